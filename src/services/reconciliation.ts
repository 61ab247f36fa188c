/**
 * Reconciliation: the gateway's transfers, the bank customer's money for them (the journal and
 * the bank's ledger) and Wise's transfers, compared for recent activity — what Wise asks a
 * partner to be able to show. What is safe to repair is repaired (a state Wise moved without a
 * webhook reaching us, a funding or a creation nobody finished); what is not is reported, one
 * log line per discrepancy and a row in `reconciliation_run`, for a person to look at.
 *
 * Runs every five minutes on one replica (a graphile-worker cron job) and on demand
 * (`npm run reconcile`, which asks a running gateway for a run and prints its report).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ledgerTransaction } from '../db/ledger-transaction.js';
import { ormSql, type Orm } from '../db/orm.js';
import { Transfer } from '../entities/Transfer.js';
import { WiseLink } from '../entities/WiseLink.js';
import type { Metrics } from '../ops/metrics.js';
import type { Logger } from '../logger.js';
import type { WiseApi } from '../wise/api.js';
import type { WiseTransfer } from '../wise/objects.js';
import { WiseError } from '../wise/errors.js';
import type { Ledger } from '../ports/ledger.js';
import { parseWiseTime } from './transfer-states.js';
import type { TransferService } from './transfers.js';
import type { WiseTokens } from './wise-tokens.js';

/** How far back "recent activity" reaches. */
export const RECONCILE_WINDOW_MS = 24 * 60 * 60_000;
/** A state drift is repaired only on a transfer unchanged for this long (webhooks may be on their way). */
const QUIET_BEFORE_REPAIR_MS = 60_000;
/** At most this many transfers are read from Wise per run (the oldest-checked first). */
const WISE_READS_PER_RUN = 200;

export type DiscrepancyKind =
  // repaired
  | 'STATE_DRIFT'
  | 'FUNDING_SETTLED'
  | 'CREATION_RESUMED'
  // reported: a person decides
  | 'LEDGER_STATE_MISMATCH'
  | 'LEDGER_ENTRY_MISSING'
  | 'WISE_FUNDED_NOT_DEBITED'
  | 'FUNDED_HERE_NOT_AT_WISE'
  | 'UNKNOWN_AT_GATEWAY'
  | 'WISE_UNREADABLE';

const REPAIRED = new Set<DiscrepancyKind>(['STATE_DRIFT', 'FUNDING_SETTLED', 'CREATION_RESUMED']);

export type Discrepancy = { kind: DiscrepancyKind; repaired: boolean; transferId: string | null; wiseTransferId: number | null; customerId: string; detail: string };

export type ReconciliationReport = { runId: string; startedAt: string; finishedAt: string; checked: number; repaired: number; unresolved: number; discrepancies: Discrepancy[] };

type Row = { id: string; customer_id: string; profile_id: string; wise_transfer_id: string | null; creation_state: string; status: string; funding_state: string; refunded: boolean; wise_access_lost: boolean; outstanding: boolean };

export class Reconciliation {
  constructor(
    private readonly deps: { orm: Orm; api: WiseApi; tokens: WiseTokens; ledger: Ledger; transfers: TransferService; logger: Logger; metrics?: Metrics; batchSize?: number },
  ) {}

  async run(options: { requestId?: string | null; now?: number } = {}): Promise<ReconciliationReport> {
    const startedAt = new Date();
    const now = options.now ?? Date.now();
    const em = this.deps.orm.em.fork();
    const sql = ormSql(em);
    // A job that failed and is retried reuses its run's row.
    const [run] = await sql<{ id: string }>(
      'insert into reconciliation_run (request_id) values (?) on conflict (request_id) do update set started_at = now(), finished_at = null returning id',
      [options.requestId ?? null],
    );
    const found: Discrepancy[] = [];
    const note = (d: Omit<Discrepancy, 'repaired'>) => {
      const discrepancy = { ...d, repaired: REPAIRED.has(d.kind) };
      found.push(discrepancy);
      this.deps.metrics?.reconciliationDiscrepancies.inc({ kind: d.kind, repaired: String(discrepancy.repaired) });
      const log = discrepancy.repaired ? this.deps.logger.info.bind(this.deps.logger) : this.deps.logger.warn.bind(this.deps.logger);
      log({ discrepancy: d.kind, repaired: discrepancy.repaired, transferId: d.transferId, wiseTransferId: d.wiseTransferId, customerId: d.customerId, detail: d.detail }, 'reconciliation discrepancy');
    };

    const since = new Date(now - RECONCILE_WINDOW_MS);
    // The transfers with recent activity, oldest-checked first: their ids only, then read and
    // checked a batch at a time. Read whole at once (ten thousand rows and their outstanding
    // debits in one 95 ms query, their journal in another, every row handled in one go), a run
    // every five minutes held up the webhooks of that moment by 110-150 ms (bench/README.md).
    const ids = (
      await sql<{ id: string }>(
        `select t.id from transfer t where t.updated_at >= ? or t.funding_state = 'DEBITED' or t.creation_state = 'PENDING' order by t.synced_at asc, t.id`,
        [since],
      )
    ).map((r) => r.id);
    const batchSize = this.deps.batchSize ?? 500;
    const customers = new Set<string>();
    let checked = 0;
    let reads = 0;
    for (let start = 0; start < ids.length; start += batchSize) {
      const batch = ids.slice(start, start + batchSize);
      const read = await sql<Row>(
        `select t.id, t.customer_id, t.profile_id, t.wise_transfer_id, t.creation_state, t.status, t.funding_state, t.refunded, t.wise_access_lost,
                exists (select 1 from transfer_outstanding_debit o where o.transfer_id = t.id) as outstanding
         from transfer t where t.id = any(?::uuid[])`,
        [pgArray(batch)],
      );
      // In the order chosen above (a transfer deleted since, a refused creation, is gone).
      const byId = new Map(read.map((r) => [r.id, r]));
      const rows = batch.flatMap((id) => byId.get(id) ?? []);
      checked += rows.length;
      for (const row of rows) customers.add(row.customer_id);

      // 1. The money, without asking Wise: the journal against the funding state and the ledger.
      await this.checkMoney(em, rows, note);

      // 2. Against Wise: each transfer's state and funding.
      for (const row of rows) {
        if (row.creation_state === 'PENDING') {
          const resumed = await this.deps.transfers.resumeCreation(em, row.id).catch((error: unknown) => {
            this.deps.logger.warn({ err: error, transferId: row.id }, 'reconciliation could not finish an interrupted creation; the sweep or the next run tries again');
            return false;
          });
          if (resumed) note({ kind: 'CREATION_RESUMED', transferId: row.id, wiseTransferId: null, customerId: row.customer_id, detail: 'an interrupted creation was finished at Wise' });
          continue;
        }
        if (!row.wise_transfer_id || row.wise_access_lost || reads >= WISE_READS_PER_RUN) continue;
        reads += 1;
        await this.checkAgainstWise(em, row, note);
      }
    }
    // 3. What Wise holds that we do not.
    await this.checkUnknownAtWise(em, since, customers, note);

    const report: ReconciliationReport = {
      runId: run.id,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      checked,
      repaired: found.filter((d) => d.repaired).length,
      unresolved: found.filter((d) => !d.repaired).length,
      discrepancies: found,
    };
    await sql('update reconciliation_run set finished_at = now(), checked = ?, repaired = ?, unresolved = ?, discrepancies = ?::jsonb where id = ?', [
      report.checked,
      report.repaired,
      report.unresolved,
      JSON.stringify(found),
      run.id,
    ]);
    this.deps.logger.info({ runId: run.id, checked: report.checked, repaired: report.repaired, unresolved: report.unresolved }, 'reconciliation finished');
    return report;
  }

  private async checkMoney(em: EntityManager, rows: Row[], note: (d: Omit<Discrepancy, 'repaired'>) => void): Promise<void> {
    for (const row of rows) {
      const expected = (row.funding_state === 'DEBITED' || row.funding_state === 'FUNDED') && !row.refunded;
      if (expected !== row.outstanding) {
        note({
          kind: 'LEDGER_STATE_MISMATCH',
          transferId: row.id,
          wiseTransferId: row.wise_transfer_id === null ? null : Number(row.wise_transfer_id),
          customerId: row.customer_id,
          detail: `funding ${row.funding_state}${row.refunded ? ', refunded' : ''} but ${row.outstanding ? 'a debit is outstanding' : 'no debit is outstanding'}`,
        });
      }
    }
    if (!this.deps.ledger.entries || rows.length === 0) return;
    const journal = await ormSql(em)<{ transfer_id: string; idempotency_key: string; customer_id: string }>(
      'select m.transfer_id, m.idempotency_key, t.customer_id from transfer_movement m join transfer t on t.id = m.transfer_id where m.transfer_id = any(?::uuid[])',
      [pgArray(rows.map((r) => r.id))],
    );
    const known = await this.deps.ledger.entries(ledgerTransaction(em), journal.map((m) => m.idempotency_key));
    for (const movement of journal) {
      if (known.has(movement.idempotency_key)) continue;
      note({ kind: 'LEDGER_ENTRY_MISSING', transferId: movement.transfer_id, wiseTransferId: null, customerId: movement.customer_id, detail: `the bank's ledger has no entry ${movement.idempotency_key}` });
    }
  }

  private async checkAgainstWise(em: EntityManager, row: Row, note: (d: Omit<Discrepancy, 'repaired'>) => void): Promise<void> {
    const wiseTransferId = Number(row.wise_transfer_id);
    const base = { transferId: row.id, wiseTransferId, customerId: row.customer_id };
    if (row.funding_state === 'DEBITED') {
      const outcome = await this.deps.transfers.settleFunding(em, row.id).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, transferId: row.id }, 'reconciliation could not settle a DEBITED funding; the sweep or the next run tries again');
        return 'busy';
      });
      if (outcome === 'settled') note({ ...base, kind: 'FUNDING_SETTLED', detail: 'a DEBITED funding was settled against Wise' });
      return;
    }
    // Compared under the transfer's lock, with the row as it is now: a funding in progress is
    // not a discrepancy (and is looked at again next run).
    const compared = await this.deps.transfers.ifFree(row.id, async () => {
      let wise: WiseTransfer;
      try {
        wise = await this.readAtWise(em, row);
      } catch (error) {
        note({ ...base, kind: 'WISE_UNREADABLE', detail: error instanceof Error ? error.message : String(error) });
        return;
      }
      const [now] = await ormSql(em)<{ status: string; funding_state: string; updated_at: Date }>('select status, funding_state, updated_at from transfer where id = ?', [row.id]);
      const wiseFunded = wise.status !== 'incoming_payment_waiting' && wise.status !== 'cancelled';
      if (wiseFunded && (now.funding_state === 'NOT_FUNDED' || now.funding_state === 'REJECTED')) {
        note({ ...base, kind: 'WISE_FUNDED_NOT_DEBITED', detail: `Wise shows ${wise.status}; the gateway's funding is ${now.funding_state}` });
      }
      if (wise.status === 'incoming_payment_waiting' && now.funding_state === 'FUNDED') {
        note({ ...base, kind: 'FUNDED_HERE_NOT_AT_WISE', detail: 'the gateway says FUNDED; Wise is still waiting for the money' });
      }
      // A transfer that moved in the last minute may have webhooks on their way: polling now
      // would jump over states its subscribers are about to be pushed. Next run.
      if (wise.status !== now.status && Date.now() - new Date(now.updated_at).getTime() > QUIET_BEFORE_REPAIR_MS) {
        await this.deps.transfers.refreshFromWise(em, await em.findOneOrFail(Transfer, row.id, { refresh: true }));
        note({ ...base, kind: 'STATE_DRIFT', detail: `${now.status} here, ${wise.status} at Wise: applied` });
      }
    });
    if (compared === undefined) this.deps.logger.debug({ transferId: row.id }, 'reconciliation skipped a transfer an operation holds');
  }

  /**
   * Transfers Wise holds on linked profiles, created in the window, that the gateway does not —
   * for the customers with recent activity only (a list call each; not every customer of the
   * bank every five minutes, which would spend the shared rate limit).
   */
  private async checkUnknownAtWise(em: EntityManager, since: Date, customers: Set<string>, note: (d: Omit<Discrepancy, 'repaired'>) => void): Promise<void> {
    if (!customers.size) return;
    const links = await em.find(WiseLink, { status: 'LINKED', profileId: { $ne: null }, customerId: { $in: [...customers] } });
    for (const link of links) {
      let listed: WiseTransfer[];
      try {
        listed = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.listTransfers({ token, customerId: link.customerId }, link.profileId!, 100));
      } catch (error) {
        // This customer's transfers go unlisted this run (a dead link, Wise down): said, not hidden.
        this.deps.logger.warn({ err: error, customerId: link.customerId }, "reconciliation could not list a customer's transfers at Wise");
        continue;
      }
      const recent = listed.filter((t) => createdMs(t.created) >= since.getTime());
      if (!recent.length) continue;
      const known = new Set((await em.find(Transfer, { wiseTransferId: { $in: recent.map((t) => t.id) } }, { fields: ['wiseTransferId'] })).map((t) => t.wiseTransferId));
      for (const t of recent) {
        if (known.has(t.id)) continue;
        note({ kind: 'UNKNOWN_AT_GATEWAY', transferId: null, wiseTransferId: t.id, customerId: link.customerId, detail: `Wise holds transfer ${t.id} (${t.status}) on profile ${link.profileId} that was not made through this gateway` });
      }
    }
  }

  private async readAtWise(em: EntityManager, row: Row): Promise<WiseTransfer> {
    const link = await em.findOne(WiseLink, { customerId: row.customer_id, status: 'LINKED' });
    if (!link) throw new WiseError('FORBIDDEN', 'the customer has no working link to Wise');
    return this.deps.tokens.withUserToken(link, (token) => this.deps.api.getTransfer({ token, customerId: row.customer_id }, Number(row.wise_transfer_id)));
  }
}

/** A Postgres array literal: the query builder under the ORM would spread a JS array into a list. */
export function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** When Wise says a transfer was created; a time it cannot read counts as recent (it is listed). */
function createdMs(created: string): number {
  try {
    return parseWiseTime(created).getTime();
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
