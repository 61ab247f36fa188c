/** The keys that seal tokens and registration codes at rest (lib/secret-box.ts). */
import { createHash } from 'node:crypto';
import type { KeyRing } from '../lib/secret-box.js';
import type { SectionInput } from './variables.js';

/** The first key of the ring seals new values; the others still open old ones. */
export type EncryptionConfig = { keyRing: KeyRing; usingDevelopmentKey: boolean };

/** The development key that seals secrets at rest when ENCRYPTION_KEYS is unset; refused in production. */
const DEVELOPMENT_ENCRYPTION_KEY = createHash('sha256').update('wise-platform-gateway development key').digest();

export function encryptionConfig({ v, env, production, problem }: SectionInput): EncryptionConfig {
  let ring = v.ENCRYPTION_KEYS;
  let usingDevelopmentKey = false;
  if (!env.ENCRYPTION_KEYS?.trim()) {
    if (production) {
      problem('ENCRYPTION_KEYS is required when NODE_ENV=production (keyId:base64 of 32 random bytes; `openssl rand -base64 32`)');
    } else {
      usingDevelopmentKey = true;
      ring = { activeKeyId: 'dev', keys: new Map([['dev', DEVELOPMENT_ENCRYPTION_KEY]]) };
    }
  }
  if (production && ring && [...ring.keys.values()].some((key) => key.equals(DEVELOPMENT_ENCRYPTION_KEY))) {
    problem('ENCRYPTION_KEYS must not hold the development key when NODE_ENV=production');
  }
  // Without a ring, a problem was reported and the configuration is refused before it is used.
  return { keyRing: ring!, usingDevelopmentKey };
}
