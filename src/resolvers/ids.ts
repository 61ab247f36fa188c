/**
 * Global ids in arguments: the one place an id a client sends is checked. Anything that is not
 * an id of the expected type this gateway issued is "not found" — the same answer as another
 * customer's object, so ids cannot be probed.
 */
import { notFound } from '../schema/errors.js';
import { fromGlobalId, type NodeType } from '../schema/ids.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WISE_ID = /^\d{1,15}$/;

/** What a local id looks like, per type. */
const LOCAL_ID: Record<NodeType, RegExp> = {
  Customer: /^.{1,200}$/,
  BankAccount: /^.{1,200}:[A-Z]{3}$/,
  OnboardingStatus: /^.{1,200}$/,
  WiseProfile: WISE_ID,
  Verification: WISE_ID,
  Quote: UUID,
  Recipient: WISE_ID,
  Transfer: UUID,
};

/** The local id inside a global id of `type`, or null. */
export function localIdOrNull(type: NodeType, id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const decoded = fromGlobalId(id);
  if (!decoded || decoded.type !== type || !LOCAL_ID[type].test(decoded.localId)) return null;
  return decoded.localId;
}

/** The local id, or NOT_FOUND naming the argument. */
export function localId(type: NodeType, id: string, field: string): string {
  const local = localIdOrNull(type, id);
  if (local === null) throw notFound(field);
  return local;
}

/** Wise's numeric ids (profiles, recipients). */
export function wiseId(type: 'WiseProfile' | 'Recipient' | 'Verification', id: string, field: string): number {
  return Number(localId(type, id, field));
}
