/**
 * Relay cursor connections: one opaque cursor codec for every list (a tagged JSON array in
 * base64url), and PageInfo built the same way everywhere.
 */
import { ErrorCode, gatewayError } from '../schema/errors.js';
import type { PageInfo } from '../schema/relay.js';

export function encodeCursor(list: string, keys: (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...keys])).toString('base64url');
}

/** The keys of a cursor of `list`, or BAD_USER_INPUT on `after`. */
export function decodeCursor(cursor: string, list: string, count: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed[0] !== list || parsed.length !== count + 1 || !parsed.every((k) => typeof k === 'string' || typeof k === 'number')) {
    throw gatewayError(ErrorCode.BAD_USER_INPUT, 'after is not a cursor of this list', { field: 'after' });
  }
  return parsed.slice(1).map(String);
}

export function checkFirst(first: number): void {
  if (first < 1 || first > 100) throw gatewayError(ErrorCode.BAD_USER_INPUT, 'first must be between 1 and 100', { field: 'first' });
}

export function pageInfo(edges: { cursor: string }[], hasNextPage: boolean, after: string | null | undefined): PageInfo {
  return { hasNextPage, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
}
