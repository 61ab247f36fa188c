/**
 * Signs SCA one-time tokens (`X-Signature` on an approved call) with the bank's key registered
 * at Wise. Without a configured key, `generate` (the simulator's registration) gets the public
 * half of a key pair made for this run; without either, the gateway cannot sign.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { signRsaSha256 } from '../lib/rsa-signature.js';

export function scaSigner(privateKeyPem: string | undefined, generate?: (publicKeyPem: string) => void): ((token: string) => string) | undefined {
  let key = privateKeyPem ? createPrivateKey(privateKeyPem) : undefined;
  if (!key && generate) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = pair.privateKey;
    generate(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  }
  if (!key) return undefined;
  const signingKey = key;
  return (token) => signRsaSha256(token, signingKey);
}
