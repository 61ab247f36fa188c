import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

describe('structured logs', () => {
  it('redacts secrets by key wherever they are nested', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info(
      {
        req: { headers: { authorization: 'Bearer eyJ-secret-jwt' } },
        wise: { response: { access_token: 'at-123', refresh_token: 'rt-456' } },
        registrationCode: 'rc-789',
        customerId: 'cust-alice',
      },
      'token exchanged',
    );
    const line = JSON.parse(lines[0]);
    expect(lines[0]).not.toMatch(/eyJ-secret-jwt|at-123|rt-456|rc-789/);
    expect(line.customerId).toBe('cust-alice');
    expect(line.wise.response.access_token).toBe('[redacted]');
  });
});
