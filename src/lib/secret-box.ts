/**
 * Secrets at rest (access tokens, refresh tokens, registration codes): AES-256-GCM with a key
 * from configuration. Each value carries the id of the key that sealed it, so keys can rotate:
 * new values use the first key, old values still open with theirs. The associated data binds
 * a ciphertext to its row and column, so one customer's token cannot be pasted into another's.
 *
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type KeyRing = { activeKeyId: string; keys: Map<string, Buffer> };

export class SecretBox {
  constructor(private readonly ring: KeyRing) {}

  seal(plaintext: string, context: string): string {
    const key = this.ring.keys.get(this.ring.activeKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.ring.activeKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || !tag || ciphertext === undefined) throw new Error('Not a sealed secret');
    const key = this.ring.keys.get(keyId);
    if (!key) throw new Error(`Secret sealed with key "${keyId}", which is not configured (ENCRYPTION_KEYS)`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Whether a value was sealed with an older key (worth re-sealing when next written). */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.ring.activeKeyId;
  }
}

/** Parses ENCRYPTION_KEYS: `keyId:base64-32-bytes[,keyId:…]`, the first one active. */
export function parseKeyRing(value: string): KeyRing | string {
  const keys = new Map<string, Buffer>();
  let activeKeyId = '';
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [id, encoded] = entry.split(':');
    if (!id || !encoded || !/^[\w-]{1,32}$/.test(id)) return `each entry must be keyId:base64key (got "${entry.slice(0, 12)}…")`;
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) return `key "${id}" must be 32 bytes, base64-encoded (got ${key.length} bytes)`;
    if (keys.has(id)) return `key id "${id}" appears twice`;
    keys.set(id, key);
    activeKeyId ||= id;
  }
  if (keys.size === 0) return 'at least one key is needed';
  return { activeKeyId, keys };
}
