/** The one RSA-SHA256 signer and checker that the receiver, the SCA signer, the simulator and the tests share. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRsaSha256, verifyRsaSha256 } from '../src/lib/rsa-signature.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('RSA-SHA256 signatures', () => {
  it('check what was signed, byte for byte', () => {
    const body = Buffer.from('{"event_type":"transfers#state-change"}');
    const signature = signRsaSha256(body, privateKey);
    expect(verifyRsaSha256(body, signature, publicPem)).toBe(true);
    expect(verifyRsaSha256(Buffer.from('{"event_type":"transfers#state-change" }'), signature, publicPem)).toBe(false);
  });

  it('refuse a signature by another key, and one that is not a signature at all', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(verifyRsaSha256('token', signRsaSha256('token', other), publicPem)).toBe(false);
    expect(verifyRsaSha256('token', 'not base64 at all!', publicPem)).toBe(false);
    expect(verifyRsaSha256('token', '', publicPem)).toBe(false);
  });
});
