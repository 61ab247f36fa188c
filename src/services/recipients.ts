/**
 * Recipients and the dynamic form that describes them. Wise's account requirements become one
 * typed form per recipient type; partly filled values ask Wise for the refreshed form (a
 * frontend loops until no new field appears). Creation is validated against the form first —
 * required, pattern, length, allowed values, dates — and Wise's own verdict maps back to the
 * same keys. Nothing is stored unless Wise created the recipient.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Quote } from '../entities/Quote.js';
import { Recipient } from '../entities/Recipient.js';
import type { WiseLink } from '../entities/WiseLink.js';
import { WiseProfile } from '../entities/WiseProfile.js';
import type { WiseApi } from '../wise/api.js';
import type { WiseRecipient, WiseRequirement } from '../wise/objects.js';
import { WiseError, type WiseFieldError } from '../wise/errors.js';
import type { Logger } from '../logger.js';
import { requireLinkedProfile } from './links.js';
import type { WiseTokens } from './wise-tokens.js';
import { GatewayError } from '../domain/errors.js';

/** Forms from Wise are reused this long for the same inputs. */
const FORM_TTL_MS = 15 * 60_000;
/** A profile's recipient list is re-read from Wise (to see ones made elsewhere) after this. */
export const RECIPIENTS_STALE_AFTER_MS = 60 * 60_000;

export type FormControl = 'TEXT' | 'SELECT' | 'RADIO' | 'DATE';

export type FormField = {
  key: string;
  label: string;
  control: FormControl;
  required: boolean;
  allowedValues: { value: string; label: string }[] | null;
  pattern: string | null;
  minLength: number | null;
  maxLength: number | null;
  example: string | null;
  displayFormat: string | null;
  refreshOnChange: boolean;
  group: string;
};

export type FormOption = { type: string; title: string; usageInfo: string | null; fields: FormField[]; groups: { label: string; keys: string[] }[] };
export type RecipientForm = { currency: string; quoteId: string | null; options: FormOption[] };
export type FieldValue = { key: string; value: string };
export type FormTarget = { quoteId: string } | { currency: string };

export type CreateRecipientInput = FormTarget & { type: string; accountHolderName: string; values: FieldValue[]; ownedByCustomer?: boolean };
export type CreateRecipientResult = { kind: 'created'; recipient: Recipient } | { kind: 'invalid'; fieldErrors: WiseFieldError[] };

/** What the gateway shows of a Wise recipient: its stored copy, and pages read straight from Wise. */
export function recipientSummary(r: WiseRecipient) {
  return {
    currency: r.currency,
    accountHolderName: r.name?.fullName ?? '',
    legalEntityType: r.legalEntityType ?? 'PERSON',
    country: r.country ?? null,
    accountSummary: r.accountSummary ?? '',
    longAccountSummary: r.longAccountSummary ?? '',
    active: r.active,
  };
}

const CONTROLS: Record<string, FormControl> = { text: 'TEXT', select: 'SELECT', radio: 'RADIO', date: 'DATE' };

export function normalizeForm(requirements: WiseRequirement[]): FormOption[] {
  return requirements.map((r) => ({
    type: r.type,
    title: r.title ?? r.type,
    usageInfo: r.usageInfo ?? null,
    groups: r.fields.map((g) => ({ label: g.name, keys: g.group.map((f) => f.key) })),
    fields: r.fields.flatMap((g) =>
      g.group.map((f) => ({
        key: f.key,
        label: f.name,
        control: CONTROLS[f.type] ?? 'TEXT',
        required: f.required ?? false,
        allowedValues: f.valuesAllowed ? f.valuesAllowed.map((v) => ({ value: v.key, label: v.name })) : null,
        pattern: f.validationRegexp ?? null,
        minLength: f.minLength ?? null,
        maxLength: f.maxLength ?? null,
        example: f.example || null,
        displayFormat: f.displayFormat ?? null,
        refreshOnChange: f.refreshRequirementsOnChange ?? false,
        group: g.name,
      })),
    ),
  }));
}

/** `{ address: { city: 'X' } }` → `address.city` → 'X' (the form's keys). */
function leaves(details: Record<string, unknown>, prefix = '', into = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(details)) {
    if (value && typeof value === 'object') leaves(value as Record<string, unknown>, `${prefix}${key}.`, into);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into.set(`${prefix}${key}`, String(value));
  }
  return into;
}

/** Wise may give back a value formatted (spaces in an IBAN, lower case): compare what matters. */
const comparable = (value: string) => value.replace(/[\s-]/g, '').toUpperCase();

/** Form values to Wise's body: accountHolderName at the top, dotted keys nested in details. */
export function toDetails(values: FieldValue[]): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const { key, value } of values) {
    if (key === 'accountHolderName') continue;
    const parts = key.split('.');
    let node = details;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return details;
}

/** The form's own rules, checked before Wise sees anything. Errors are keyed by form key. */
export function validateAgainstForm(option: FormOption, values: Map<string, string>): WiseFieldError[] {
  const errors: WiseFieldError[] = [];
  const error = (field: FormField, code: string, message: string) => errors.push({ path: field.key, code, message, arguments: [] });
  for (const field of option.fields) {
    const value = values.get(field.key)?.trim() ?? '';
    if (!value) {
      if (field.required) error(field, 'REQUIRED', `${field.label} is required.`);
      continue;
    }
    if (field.minLength !== null && value.length < field.minLength) error(field, 'TOO_SHORT', `${field.label} must be at least ${field.minLength} characters.`);
    else if (field.maxLength !== null && value.length > field.maxLength) error(field, 'TOO_LONG', `${field.label} must be at most ${field.maxLength} characters.`);
    else if (field.pattern && !wholeMatch(field.pattern, value)) error(field, 'PATTERN', `${field.label} is not in the expected format${field.example ? ` (for example ${field.example})` : ''}.`);
    else if (field.allowedValues && !field.allowedValues.some((v) => v.value === value)) error(field, 'NOT_ALLOWED', `${value} is not one of the choices for ${field.label}.`);
    else if (field.control === 'DATE' && !isDate(value)) error(field, 'INVALID_DATE', `${field.label} must be a date, YYYY-MM-DD.`);
  }
  const known = new Set(option.fields.map((f) => f.key));
  for (const key of values.keys()) {
    if (!known.has(key)) errors.push({ path: key, code: 'UNKNOWN_FIELD', message: `${key} is not part of this form.`, arguments: [] });
  }
  return errors;
}

/** Wise's patterns are Java regexes matched against the whole value. */
function wholeMatch(pattern: string, value: string): boolean {
  try {
    // No 'u' flag: Java patterns escape characters (\-) that unicode mode refuses.
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return true; // A pattern this runtime cannot compile is left to Wise to judge.
  }
}

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Wise's v2 type names ("SortCode") are the form's ("sort_code") in PascalCase. */
export function snakeType(type: string): string {
  return type.includes('_') || type === type.toLowerCase() ? type : type.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase());
}

export class RecipientService {
  constructor(private readonly deps: { api: WiseApi; tokens: WiseTokens; sourceCurrency: string; logger?: Logger }) {}

  /** The form for a quote or a currency, refreshed for the values given (cached). */
  async form(em: EntityManager, customerId: string, target: FormTarget, type: string | null, values: FieldValue[]): Promise<RecipientForm> {
    const link = await requireLinkedProfile(em, customerId);
    let currency: string;
    let route: { quoteId: string } | { source: string; target: string; sourceAmount: number };
    if ('quoteId' in target) {
      const quote = await em.findOne(Quote, { id: target.quoteId, customerId });
      if (!quote) throw new GatewayError('NOT_FOUND', 'Quote not found');
      currency = quote.targetCurrency;
      route = { quoteId: quote.id };
    } else {
      currency = target.currency.toUpperCase();
      if (!/^[A-Z]{3}$/.test(currency)) throw new GatewayError('NOT_FOUND', 'Currency not found');
      route = { source: this.deps.sourceCurrency, target: currency, sourceAmount: 1000 };
    }
    const details = values.length ? { ...(type ? { type } : {}), details: toDetails(values) } : undefined;
    const key = createHash('sha256').update(JSON.stringify([route, details ?? null])).digest('hex');
    const cached = await em.getConnection().execute<{ body: WiseRequirement[] }[]>('select body from form_cache where key = ? and cached_at > now() - make_interval(secs => ?)', [key, FORM_TTL_MS / 1000]);
    let requirements = cached[0]?.body;
    if (!requirements) {
      requirements = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.accountRequirements({ token, customerId }, route, details));
      await em
        .getConnection()
        .execute('insert into form_cache (key, body) values (?, ?::jsonb) on conflict (key) do update set body = excluded.body, cached_at = now()', [key, JSON.stringify(requirements)], 'run');
    }
    return { currency, quoteId: 'quoteId' in route ? route.quoteId : null, options: normalizeForm(requirements) };
  }

  async create(em: EntityManager, customerId: string, input: CreateRecipientInput): Promise<CreateRecipientResult> {
    const link = await requireLinkedProfile(em, customerId);
    const values = new Map(input.values.map((v) => [v.key, v.value]));
    values.set('accountHolderName', input.accountHolderName);
    const duplicates = input.values.map((v) => v.key).filter((k, i, all) => all.indexOf(k) !== i);
    if (duplicates.length) return { kind: 'invalid', fieldErrors: duplicates.map((k) => ({ path: k, code: 'DUPLICATE', message: `${k} is given twice.`, arguments: [] })) };

    const form = await this.form(em, customerId, input, input.type, input.values);
    const option = form.options.find((o) => o.type === input.type);
    if (!option) return { kind: 'invalid', fieldErrors: [{ path: 'type', code: 'NOT_ALLOWED', message: `${input.type} is not a recipient type for ${form.currency}.`, arguments: [] }] };
    // The customer's name goes at the top of Wise's body even on forms (v1.0) that omit it.
    const checked = option.fields.some((f) => f.key === 'accountHolderName') ? values : new Map([...values].filter(([k]) => k !== 'accountHolderName'));
    const fieldErrors = validateAgainstForm(option, checked);
    if (!input.accountHolderName.trim()) fieldErrors.push({ path: 'accountHolderName', code: 'REQUIRED', message: 'The account holder name is required.', arguments: [] });
    if (fieldErrors.length) return { kind: 'invalid', fieldErrors: dedupe(fieldErrors) };

    // POST /v1/accounts has no idempotency key: when its answer is lost, Wise may have created
    // the recipient all the same, and a blind retry would make a second. What was sent is
    // remembered (`recipient_creation_uncertain`) until Wise, asked, has said whether it exists;
    // until then the same request looks before it posts.
    const sent = { currency: form.currency, type: input.type, accountHolderName: input.accountHolderName.trim(), details: toDetails(input.values) };
    const requestHash = createHash('sha256').update(JSON.stringify([link.profileId, sent.currency, sent.type, sent.accountHolderName, [...leaves(sent.details)].sort()])).digest('hex');
    if (await this.uncertain(em, customerId, requestHash)) {
      const earlier = await this.findCreatedWithBackoff(em, customerId, link, sent);
      await this.settleUncertain(em, customerId, requestHash);
      if (earlier) {
        this.deps.logger?.warn({ customerId, recipientId: earlier.id }, 'a recipient whose creation was uncertain exists at Wise; adopted it');
        return { kind: 'created', recipient: await this.store(em, customerId, earlier, input.type) };
      }
    }

    let created: WiseRecipient;
    try {
      created = await this.deps.tokens.withUserToken(link, (token) =>
        this.deps.api.createRecipient(
          { token, customerId },
          { currency: form.currency, type: input.type, profile: link.profileId, accountHolderName: sent.accountHolderName, ownedByCustomer: input.ownedByCustomer ?? false, details: sent.details },
        ),
      );
    } catch (error) {
      if (error instanceof WiseError && error.code === 'VALIDATION') {
        // Wise's paths are the form's keys (sometimes under details.): map them back.
        return { kind: 'invalid', fieldErrors: error.fieldErrors.map((e) => ({ ...e, path: e.path?.replace(/^details\./, '') ?? null })) };
      }
      if (error instanceof WiseError && error.code === 'UNAVAILABLE') {
        await em.getConnection().execute('insert into recipient_creation_uncertain (customer_id, request_hash) values (?, ?) on conflict do nothing', [customerId, requestHash], 'run');
        // If Wise cannot be asked either (after its back-off), the caller gets the first error
        // and the same request looks again before posting.
        const lost = await this.findCreatedWithBackoff(em, customerId, link, sent).catch((lookError: unknown) => {
          this.deps.logger?.warn({ err: lookError, customerId }, 'could not look for a recipient whose creation answer was lost; the retry looks again');
          return undefined;
        });
        if (lost !== undefined) await this.settleUncertain(em, customerId, requestHash);
        if (lost) {
          this.deps.logger?.warn({ customerId, recipientId: lost.id }, 'the answer to creating a recipient was lost; adopted the one Wise had created');
          return { kind: 'created', recipient: await this.store(em, customerId, lost, input.type) };
        }
      }
      throw error;
    }
    return { kind: 'created', recipient: await this.store(em, customerId, created, input.type) };
  }

  private async uncertain(em: EntityManager, customerId: string, requestHash: string): Promise<boolean> {
    const rows = await em.getConnection().execute('select 1 from recipient_creation_uncertain where customer_id = ? and request_hash = ?', [customerId, requestHash]);
    return rows.length > 0;
  }

  private async settleUncertain(em: EntityManager, customerId: string, requestHash: string): Promise<void> {
    await em.getConnection().execute('delete from recipient_creation_uncertain where customer_id = ? and request_hash = ?', [customerId, requestHash], 'run');
  }

  /** findCreatedAtWise, asked again with back-off while Wise cannot answer (~3 s in all). */
  private async findCreatedWithBackoff(
    em: EntityManager,
    customerId: string,
    link: WiseLink & { profileId: number },
    sent: { currency: string; type: string; accountHolderName: string; details: Record<string, unknown> },
  ): Promise<WiseRecipient | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.findCreatedAtWise(em, customerId, link, sent);
      } catch (error) {
        if (attempt >= 3 || !(error instanceof WiseError) || (error.code !== 'UNAVAILABLE' && error.code !== 'RATE_LIMITED')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  /**
   * The recipient Wise holds for this profile with exactly what was sent, that this gateway
   * does not know yet (the newest, should there be several), or null.
   */
  private async findCreatedAtWise(
    em: EntityManager,
    customerId: string,
    link: WiseLink & { profileId: number },
    sent: { currency: string; type: string; accountHolderName: string; details: Record<string, unknown> },
  ): Promise<WiseRecipient | null> {
    const known = new Set((await em.find(Recipient, { customerId, profileId: link.profileId }, { fields: ['id'] })).map((r) => r.id));
    const wanted = leaves(sent.details);
    let found: WiseRecipient | null = null;
    for await (const r of this.atWise(customerId, link)) {
      if (known.has(r.id) || r.currency !== sent.currency || snakeType(r.type) !== sent.type) continue;
      const holder = r.name?.fullName ?? (r as { accountHolderName?: string }).accountHolderName;
      if (holder !== undefined && comparable(holder) !== comparable(sent.accountHolderName)) continue;
      const have = leaves(r.details ?? {});
      if (![...wanted].every(([key, value]) => have.has(key) && comparable(have.get(key)!) === comparable(value))) continue;
      if (!found || r.id > found.id) found = r;
    }
    return found;
  }

  /** Every recipient of the profile at Wise, page by page (`GET /v2/accounts`, seek paging). */
  private async *atWise(customerId: string, link: WiseLink & { profileId: number }): AsyncGenerator<WiseRecipient> {
    let seek: number | undefined;
    do {
      const page = await this.deps.tokens.withUserToken(link, (token) => this.deps.api.listRecipients({ token, customerId }, link.profileId, seek));
      yield* page.content;
      seek = page.seekPositionForNext;
    } while (seek);
  }

  /** The customer's active recipients from the cache, re-read from Wise when stale. */
  async list(em: EntityManager, customerId: string, options: { first: number; afterId: number | null; currency: string | null }): Promise<{ items: Recipient[]; hasNextPage: boolean }> {
    const link = await requireLinkedProfile(em, customerId);
    const profile = await em.findOne(WiseProfile, { id: link.profileId, customerId });
    if (profile && (!profile.recipientsSyncedAt || Date.now() - profile.recipientsSyncedAt.getTime() > RECIPIENTS_STALE_AFTER_MS)) {
      await this.sync(em, customerId, link, profile);
    }
    const items = await em.find(
      Recipient,
      {
        customerId,
        profileId: link.profileId,
        active: true,
        ...(options.currency ? { currency: options.currency.toUpperCase() } : {}),
        ...(options.afterId !== null ? { id: { $gt: options.afterId } } : {}),
      },
      { orderBy: { id: 'asc' }, limit: options.first + 1 },
    );
    return { items: items.slice(0, options.first), hasNextPage: items.length > options.first };
  }

  /** One of the customer's recipients from the gateway's copy, or null. */
  own(em: EntityManager, customerId: string, id: number): Promise<Recipient | null> {
    return em.findOne(Recipient, { id, customerId });
  }

  async delete(em: EntityManager, customerId: string, id: number): Promise<Recipient> {
    const link = await requireLinkedProfile(em, customerId);
    const recipient = await em.findOne(Recipient, { id, customerId });
    if (!recipient) throw new GatewayError('NOT_FOUND', 'Recipient not found');
    if (recipient.active) {
      try {
        await this.deps.tokens.withUserToken(link, (token) => this.deps.api.deleteRecipient({ token, customerId }, id));
      } catch (error) {
        // Wise answers 403 for a recipient that is already inactive: the outcome is the same.
        if (!(error instanceof WiseError) || error.code !== 'FORBIDDEN') throw error;
      }
      recipient.active = false;
      recipient.syncedAt = new Date();
      await em.flush();
    }
    return recipient;
  }

  private async sync(em: EntityManager, customerId: string, link: WiseLink & { profileId: number }, profile: WiseProfile): Promise<void> {
    const seen = new Set<number>();
    for await (const r of this.atWise(customerId, link)) {
      seen.add(r.id);
      await this.store(em, customerId, r, snakeType(r.type), false);
    }
    // Active here but gone at Wise: deleted elsewhere (kept, for the transfers that used them).
    for (const local of await em.find(Recipient, { customerId, profileId: link.profileId, active: true })) {
      if (!seen.has(local.id)) local.active = false;
    }
    profile.recipientsSyncedAt = new Date();
    await em.flush();
  }

  private async store(em: EntityManager, customerId: string, r: WiseRecipient, type: string, flush = true): Promise<Recipient> {
    const details = { ...(r.details ?? {}) };
    delete details.hashedByLooseHashAlgorithm;
    const values = {
      id: r.id,
      customerId,
      profileId: r.profileId,
      ...recipientSummary(r),
      type,
      details,
      syncedAt: new Date(),
    };
    let recipient = await em.findOne(Recipient, { id: r.id });
    if (recipient) em.assign(recipient, values);
    else recipient = em.create(Recipient, values);
    if (flush) await em.flush();
    return recipient;
  }
}

function dedupe(errors: WiseFieldError[]): WiseFieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(`${e.path}:${e.code}`) ? false : (seen.add(`${e.path}:${e.code}`), true)));
}
