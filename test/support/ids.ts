/**
 * Global ids, for tests that look behind the API (rows in Postgres, calls at the simulator):
 * a frontend treats ids as opaque; a test may read the local id inside.
 */
import { fromGlobalId, toGlobalId, type NodeType } from '../../src/schema/ids.js';

export const globalId = (type: NodeType, localId: string | number) => toGlobalId(type, localId);

export function localId(id: string): string {
  const decoded = fromGlobalId(id);
  if (!decoded) throw new Error(`not a global id: ${id}`);
  return decoded.localId;
}
