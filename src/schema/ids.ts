/**
 * Global object ids (Relay's Node convention): opaque to clients, unique across types, stable for
 * as long as the object exists. The encoding is "<Type>:<local id>" in base64url; clients must
 * not rely on it. One codec for every type, so ids are parsed in exactly one place.
 */
export const NODE_TYPES = ['Customer', 'BankAccount', 'OnboardingStatus', 'WiseProfile', 'Verification', 'Quote', 'Recipient', 'Transfer'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export function toGlobalId(type: NodeType, localId: string | number): string {
  return Buffer.from(`${type}:${localId}`).toString('base64url');
}

/** The type and local id, or null when the value is no id this gateway issued. */
export function fromGlobalId(id: string): { type: NodeType; localId: string } | null {
  if (typeof id !== 'string' || id.length > 200 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const decoded = Buffer.from(id, 'base64url').toString();
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  const type = decoded.slice(0, colon) as NodeType;
  const localId = decoded.slice(colon + 1);
  if (!NODE_TYPES.includes(type) || !localId) return null;
  return { type, localId };
}
