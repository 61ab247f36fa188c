import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyRing, SecretBox, type KeyRing } from '../src/lib/secret-box.js';

const ring = (spec: string) => parseKeyRing(spec) as KeyRing;
const key = () => randomBytes(32).toString('base64');

describe('secrets at rest (AES-256-GCM)', () => {
  it('seals to a value that names its key and opens back', () => {
    const box = new SecretBox(ring(`k2:${key()}`));
    const sealed = box.seal('refresh-token-123', 'wise_link:1:refreshToken');
    expect(sealed).toMatch(/^v1\.k2\./);
    expect(sealed).not.toContain('refresh-token-123');
    expect(box.open(sealed, 'wise_link:1:refreshToken')).toBe('refresh-token-123');
  });

  it('opens values sealed with an older key after rotation, and seals new ones with the new key', () => {
    const k1 = key();
    const old = new SecretBox(ring(`k1:${k1}`)).seal('code', 'ctx');
    const rotated = new SecretBox(ring(`k2:${key()},k1:${k1}`));
    expect(rotated.open(old, 'ctx')).toBe('code');
    expect(rotated.isStale(old)).toBe(true);
    expect(rotated.seal('code', 'ctx')).toMatch(/^v1\.k2\./);
  });

  it("refuses a value moved to another row or field, or tampered with", () => {
    const box = new SecretBox(ring(`k1:${key()}`));
    const sealed = box.seal('token', 'wise_link:A:accessToken');
    expect(() => box.open(sealed, 'wise_link:B:accessToken')).toThrow();
    const parts = sealed.split('.');
    parts[4] = Buffer.from('xxxxx').toString('base64url');
    expect(() => box.open(parts.join('.'), 'wise_link:A:accessToken')).toThrow();
  });

  it('explains a bad ENCRYPTION_KEYS value', () => {
    expect(parseKeyRing('k1:short')).toBe('key "k1" must be 32 bytes, base64-encoded (got 3 bytes)');
    expect(parseKeyRing('nocolon')).toMatch(/keyId:base64key/);
    expect(parseKeyRing(`a:${key()},a:${key()}`)).toBe('key id "a" appears twice');
  });
});
