/**
 * A Postgres advisory lock around a piece of work: one holder across every replica, released
 * with the transaction — so a process that dies while holding it never leaves it held.
 */
import type { Orm } from '../../db/orm.js';

/** Runs work while holding the transaction-scoped advisory lock named `name`. */
export function advisoryLock(orm: Orm, name: string) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const em = orm.em.fork();
    return em.transactional(async (tx) => {
      await tx.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [name], 'all', tx.getTransactionContext());
      return work();
    });
  };
}
