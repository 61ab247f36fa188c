/**
 * One event fans out to every subscriber of its customer on this replica, and each would
 * resolve the same payload from the database. Memoized per event object (the bus hands the same
 * object to every listener): one query per event, whatever the number of subscribers.
 */
const memo = new WeakMap<object, Map<string, Promise<unknown>>>();

export function oncePerEvent<T>(event: object, key: string, load: () => Promise<T>): Promise<T> {
  let byKey = memo.get(event);
  if (!byKey) {
    byKey = new Map();
    memo.set(event, byKey);
  }
  let value = byKey.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    byKey.set(key, value);
  }
  return value;
}
