/**
 * Lean reads for the hot paths (transfer pages and the relations they show): plain SQL that
 * selects only the columns a page needs, straight into GraphQL-shaped objects — no entity
 * hydration, no identity map, no JSON blobs. The ORM stays in charge of every write. Measured
 * in bench/: hydrating entities cost more than the queries themselves.
 */
import type { PlainDb } from '../db/plain.js';
import { amountString, rateString } from '../domain/money.js';

export type QuoteRow = {
  id: string;
  profileId: string;
  sourceAmount: { amount: string; currency: string };
  targetAmount: { amount: string; currency: string };
  rate: string;
  fee: { amount: string; currency: string };
  providedAmountType: string;
  payOut: string;
  status: string;
  expired: boolean;
  createdAt: Date;
  expiresAt: Date;
  /** When this row will read differently by the clock alone (a pending quote expiring), or null. */
  changesAt: Date | null;
};

export type RecipientRow = {
  id: string;
  profileId: string;
  currency: string;
  type: string;
  accountHolderName: string;
  legalEntityType: string;
  country: string | null;
  accountSummary: string;
  longAccountSummary: string;
  active: boolean;
};

export type TransferRow = {
  id: string;
  wiseTransferId: string | null;
  status: string;
  fundingState: string;
  refunded: boolean;
  sourceCurrency: string;
  sourceAmount: string;
  targetCurrency: string;
  targetAmount: string;
  rate: string;
  fee: string;
  reference: string;
  createdAt: Date;
  updatedAt: Date;
  quoteId: string;
  recipientId: number;
};

type Raw = Record<string, any>;

function toQuoteRow(r: Raw, prefix = ''): QuoteRow {
  const col = (name: string) => r[prefix + name];
  const expiresAt = new Date(col('expires_at'));
  const expired = col('status') === 'PENDING' && expiresAt.getTime() <= Date.now();
  return {
    id: String(col('id')),
    profileId: String(col('profile_id')),
    sourceAmount: { amount: amountString(col('source_amount'), col('source_currency')), currency: col('source_currency') },
    targetAmount: { amount: amountString(col('target_amount'), col('target_currency')), currency: col('target_currency') },
    rate: rateString(col('rate')),
    fee: { amount: amountString(col('fee'), col('source_currency')), currency: col('source_currency') },
    providedAmountType: col('provided_amount_type'),
    payOut: col('pay_out'),
    status: expired ? 'EXPIRED' : col('status'),
    expired,
    createdAt: new Date(col('created_at')),
    expiresAt,
    changesAt: col('status') === 'PENDING' && !expired ? expiresAt : null,
  };
}

/**
 * The customer's read version: moved in the same commit as any write to what cached answers
 * show (migrations/…_read_versions.ts); "0" before their first such write.
 */
export async function customerReadVersion(db: PlainDb, customerId: string): Promise<string> {
  const [row] = await db.query<{ version: string }>('select version from customer_read_version where customer_id = $1', [customerId]);
  return row?.version ?? '0';
}

function toRecipientRow(r: Raw, prefix = ''): RecipientRow {
  const col = (name: string) => r[prefix + name];
  return {
    id: String(col('id')),
    profileId: String(col('profile_id')),
    currency: col('currency'),
    type: col('type'),
    accountHolderName: col('account_holder_name'),
    legalEntityType: col('legal_entity_type'),
    country: col('country') ?? null,
    accountSummary: col('account_summary'),
    longAccountSummary: col('long_account_summary'),
    active: col('active'),
  };
}

// Timestamps come as epoch milliseconds (float8): parsing timestamp text per row showed in profiles.
const QUOTE_COLUMNS = 'id, profile_id, source_currency, target_currency, source_amount, target_amount, rate, fee, provided_amount_type, pay_out, status, created_at, expires_at';
const epoch = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
const RECIPIENT_COLUMNS = 'id, profile_id, currency, type, account_holder_name, legal_entity_type, country, account_summary, long_account_summary, active';

function quoteColumns(table: string): string {
  return QUOTE_COLUMNS.split(', ')
    .map((c) => (c === 'created_at' || c === 'expires_at' ? `${epoch(`${table}.${c}`)} as ${c}` : c))
    .join(', ');
}

export async function quotesById(db: PlainDb, ids: readonly string[]): Promise<(QuoteRow | null)[]> {
  const found = await db.query<Raw>(`select ${quoteColumns('quote')} from quote where id = any($1::uuid[])`, [[...ids]]);
  const byId = new Map(found.map((r) => [String(r.id), toQuoteRow(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function quoteDataById(db: PlainDb, ids: readonly string[]): Promise<(Record<string, unknown> | null)[]> {
  const found = await db.query<Raw>('select id, data from quote where id = any($1::uuid[])', [[...ids]]);
  const byId = new Map(found.map((r) => [String(r.id), r.data as Record<string, unknown>]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function recipientsById(db: PlainDb, ids: readonly number[]): Promise<(RecipientRow | null)[]> {
  const found = await db.query<Raw>(`select ${RECIPIENT_COLUMNS} from recipient where id = any($1::bigint[])`, [[...ids]]);
  const byId = new Map(found.map((r) => [Number(r.id), toRecipientRow(r)]));
  return ids.map((id) => byId.get(Number(id)) ?? null);
}

/**
 * Each transfer's history in Wise's order of states: by Wise's time (to the second, its
 * precision), and within a second by the order the states took (`position`), never by arrival.
 * States still waiting for the one before them are not history yet.
 */
export async function historiesByTransferId(db: PlainDb, ids: readonly string[]): Promise<{ state: string; occurredAt: Date }[][]> {
  const found = await db.query<Raw>(
    `select transfer_id, state, occurred_at from transfer_event where transfer_id = any($1::uuid[]) and not held
     order by date_trunc('second', occurred_at), position nulls last, occurred_at, id`,
    [[...ids]],
  );
  const byId = new Map<string, { state: string; occurredAt: Date }[]>();
  for (const r of found) {
    const list = byId.get(String(r.transfer_id)) ?? [];
    list.push({ state: r.state, occurredAt: r.occurred_at });
    byId.set(String(r.transfer_id), list);
  }
  return ids.map((id) => byId.get(id) ?? []);
}

export type TransferPage = {
  items: TransferRow[];
  quotes: QuoteRow[];
  recipients: RecipientRow[];
  hasNextPage: boolean;
  /** The customer's read version in the page's own snapshot (null for an empty page): see customerReadVersion. */
  readVersion: string | null;
};

const prefixed = (alias: string, columns: string) =>
  columns
    .split(', ')
    .map((c) => (c === 'created_at' || c === 'expires_at' ? `${epoch(`${alias}.${c}`)} as ${alias}_${c}` : `${alias}.${c} as ${alias}_${c}`))
    .join(', ');

const TRANSFER_COLUMNS = 'id, wise_transfer_id, status, funding_state, refunded, source_currency, source_amount, target_currency, target_amount, rate, fee, reference, created_at, updated_at, quote_id, recipient_id';
const TIMESTAMPS = new Set(['created_at', 'updated_at']);

/**
 * The columns each read model selects, by table: written by hand beside the entities, so
 * test/read-models.test.ts checks every one is a column an entity maps.
 */
export const READ_MODEL_COLUMNS = { quote: QUOTE_COLUMNS.split(', '), recipient: RECIPIENT_COLUMNS.split(', '), transfer: TRANSFER_COLUMNS.split(', ') };

/** Transfers with their quote and recipient joined in: one statement, whatever the count. */
const TRANSFER_SELECT = `select ${READ_MODEL_COLUMNS.transfer.map((c) => (TIMESTAMPS.has(c) ? `${epoch(`t.${c}`)} as ${c}` : `t.${c}`)).join(', ')},
        ${prefixed('q', QUOTE_COLUMNS)}, ${prefixed('r', RECIPIENT_COLUMNS)}
 from transfer t
 left join quote q on q.id = t.quote_id
 left join recipient r on r.id = t.recipient_id`;

/**
 * A page's select: the customer's read version rides along ($1 is the customer; evaluated once,
 * in the same snapshot as the rows), so a page kept in memory needs no statement of its own to
 * learn what it was read at.
 */
const TRANSFER_PAGE_SELECT = TRANSFER_SELECT.replace(' from transfer t', ', (select version from customer_read_version where customer_id = $1) as read_version from transfer t');

function toTransferRow(r: Raw): TransferRow {
  return {
    id: r.id,
    wiseTransferId: r.wise_transfer_id === null ? null : String(r.wise_transfer_id),
    status: r.status,
    fundingState: r.funding_state,
    refunded: r.refunded,
    sourceCurrency: r.source_currency,
    sourceAmount: r.source_amount,
    targetCurrency: r.target_currency,
    targetAmount: r.target_amount,
    rate: r.rate,
    fee: r.fee,
    reference: r.reference,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    quoteId: r.quote_id,
    recipientId: Number(r.recipient_id),
  };
}

/**
 * A page of a customer's created transfers, newest first (keyset on created_at, id), with each
 * transfer's quote and recipient joined in: one statement for the whole page.
 */
export async function transferPage(
  db: PlainDb,
  customerId: string,
  first: number,
  after: { createdAt: Date; id: string } | null,
  filter: { statuses: string[] | null; createdAfter: Date | null; createdBefore: Date | null },
): Promise<TransferPage> {
  const params: unknown[] = [customerId];
  const where = ['t.customer_id = $1', "t.creation_state = 'CREATED'"];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.statuses?.length) where.push(`t.status = any(${param(filter.statuses)}::text[])`);
  if (filter.createdAfter) where.push(`t.created_at >= ${param(filter.createdAfter)}`);
  if (filter.createdBefore) where.push(`t.created_at < ${param(filter.createdBefore)}`);
  if (after) where.push(`(t.created_at, t.id) < (${param(after.createdAt)}, ${param(after.id)}::uuid)`);
  const limit = param(first + 1);
  const found = await db.query<Raw>(`${TRANSFER_PAGE_SELECT} where ${where.join(' and ')} order by t.created_at desc, t.id desc limit ${limit}`, params);
  const page = found.slice(0, first);
  return {
    items: page.map(toTransferRow),
    quotes: page.filter((r) => r.q_id !== null).map((r) => toQuoteRow(r, 'q_')),
    recipients: page.filter((r) => r.r_id !== null).map((r) => toRecipientRow(r, 'r_')),
    hasNextPage: found.length > first,
    readVersion: found.length ? String(found[0].read_version ?? '0') : null,
  };
}

/** One of the customer's transfers with its quote and recipient, or null: one statement. */
export async function transferWithRelations(db: PlainDb, customerId: string, transferId: string): Promise<{ transfer: TransferRow; quote: QuoteRow | null; recipient: RecipientRow | null } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(transferId)) return null;
  const [r] = await db.query<Raw>(`${TRANSFER_SELECT} where t.id = $1::uuid and t.customer_id = $2`, [transferId, customerId]);
  if (!r) return null;
  return { transfer: toTransferRow(r), quote: r.q_id === null ? null : toQuoteRow(r, 'q_'), recipient: r.r_id === null ? null : toRecipientRow(r, 'r_') };
}
