/**
 * The safety net for lost webhooks and interrupted work, every minute on one replica and at
 * start-up (`sweep_transfers`): finishes creations a crash interrupted (Wise is asked again
 * with the same customerTransactionId), settles fundings left DEBITED
 * (services/transfer-funding.ts), and re-reads stale non-final transfers. A transfer another
 * operation is working on is left for next time. Everything it does to a transfer goes through
 * TransferService, under the transfer's money lock.
 */
import { ormSql, type Orm } from '../db/orm.js';
import { FINAL_STATES } from '../domain/transfer-states.js';
import { Transfer } from '../entities/Transfer.js';
import type { Logger } from '../logger.js';
import { INTERRUPTED_FUNDING_AFTER_MS } from '../services/transfer-funding.js';
import type { TransferService } from '../services/transfers.js';

/** A non-final transfer unchanged for this long is re-read from Wise (a webhook may be lost). */
export const SWEEP_STALE_AFTER_MS = 5 * 60_000;

/** What one sweep did; `busy` counts the transfers left for next time (another operation held them). */
export type SweepResult = { refreshed: number; resumed: number; settled: number; busy: number };

export class TransferSweep {
  constructor(private readonly deps: { orm: Orm; transfers: TransferService; logger: Logger }) {}

  async run(now = Date.now()): Promise<SweepResult> {
    const { transfers, logger } = this.deps;
    const em = this.deps.orm.em.fork();
    const result: SweepResult = { refreshed: 0, resumed: 0, settled: 0, busy: 0 };
    const interrupted = await em.find(Transfer, { creationState: 'PENDING', createdAt: { $lt: new Date(now - INTERRUPTED_FUNDING_AFTER_MS) } }, { limit: 50 });
    for (const transfer of interrupted) {
      try {
        if (await transfers.resumeCreation(em, transfer.id)) result.resumed += 1;
      } catch (error) {
        logger.warn({ err: error, transferId: transfer.id }, 'sweep could not finish creating a transfer');
      }
    }
    // Only those Wise can be asked about: a customer whose link died waits for the relink (and
    // reconciliation reports the held money meanwhile) without keeping others from the sweep.
    const debited = await ormSql(em)<{ id: string }>(
      `select t.id from transfer t
       where t.creation_state = 'CREATED' and t.funding_state = 'DEBITED' and not t.wise_access_lost and t.funding_started_at < ?
         and exists (select 1 from wise_link l where l.customer_id = t.customer_id and l.status = 'LINKED')
       order by t.funding_started_at limit 50`,
      [new Date(now - INTERRUPTED_FUNDING_AFTER_MS)],
    );
    for (const transfer of debited) {
      try {
        const outcome = await transfers.settleFunding(em, transfer.id);
        if (outcome === 'settled') result.settled += 1;
        if (outcome === 'busy') result.busy += 1;
      } catch (error) {
        logger.warn({ err: error, transferId: transfer.id }, 'sweep could not settle an interrupted funding');
      }
    }
    const stale = await em.find(
      Transfer,
      { creationState: 'CREATED', status: { $nin: [...FINAL_STATES] }, wiseAccessLost: false, syncedAt: { $lt: new Date(now - SWEEP_STALE_AFTER_MS) } },
      { limit: 100, orderBy: { syncedAt: 'asc' } },
    );
    for (const transfer of stale) {
      try {
        const done = await transfers.ifFree(transfer.id, async () => {
          await transfers.refreshFromWise(em, transfer);
          return true;
        });
        if (done) result.refreshed += 1;
        else result.busy += 1;
      } catch (error) {
        logger.warn({ err: error, transferId: transfer.id }, 'sweep could not refresh a transfer');
      }
    }
    return result;
  }
}
