/**
 * Wise's JSON objects of the money flow as the simulator answers them: quotes (with their payment
 * options), dynamic forms, recipients (v2) and transfers (v1).
 */
import { isoSeconds } from '../clock.js';
import type { SimulatorCore } from '../core.js';
import { simCurrency } from '../currencies.js';
import { formatAmount } from '../money.js';
import { type RequirementType } from '../requirements/account-requirements.js';
import { type SimQuote, type SimRecipient, type SimTransfer } from '../state.js';

export const QUOTE_LIFETIME_MS = 30 * 60_000;

export function quoteStatus(sim: SimulatorCore, quote: SimQuote): SimQuote['status'] {
  if (quote.status === 'PENDING' && Date.parse(quote.expirationTime) <= sim.clock.nowMs()) return 'EXPIRED';
  return quote.status;
}

function paymentOption(quote: SimQuote, payIn: 'BALANCE' | 'BANK_TRANSFER') {
  const fee = quote.fee;
  return {
    disabled: false,
    estimatedDelivery: isoSeconds(new Date(Date.parse(quote.createdTime) + 24 * 3600_000)),
    formattedEstimatedDelivery: 'by tomorrow',
    estimatedDeliveryDelays: [],
    fee: { transferwise: fee, payIn: 0, discount: 0, partner: 0, total: fee },
    price: {
      priceSetId: 384,
      total: { type: 'TOTAL', label: 'Total fees', value: { amount: fee, currency: quote.sourceCurrency, label: formatAmount(fee, quote.sourceCurrency) } },
      items: [{ type: 'TRANSFERWISE', label: 'Our fee', value: { amount: fee, currency: quote.sourceCurrency, label: formatAmount(fee, quote.sourceCurrency) } }],
    },
    sourceAmount: quote.sourceAmount,
    targetAmount: quote.targetAmount,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    payIn,
    payOut: quote.payOut,
    allowedProfileTypes: ['PERSONAL', 'BUSINESS'],
    payInProduct: payIn === 'BALANCE' ? 'BALANCE' : 'CHEAP',
    feePercentage: Number((fee / quote.sourceAmount).toFixed(4)),
  };
}

export function quoteJson(sim: SimulatorCore, quote: SimQuote) {
  const created = Date.parse(quote.createdTime);
  return {
    id: quote.id,
    sourceCurrency: quote.sourceCurrency,
    targetCurrency: quote.targetCurrency,
    sourceAmount: quote.sourceAmount,
    targetAmount: quote.targetAmount,
    payOut: quote.payOut,
    ...(quote.preferredPayIn ? { preferredPayIn: quote.preferredPayIn } : {}),
    rate: quote.rate,
    createdTime: quote.createdTime,
    user: quote.userId,
    profile: quote.profileId,
    rateType: 'FIXED',
    rateTimestamp: quote.createdTime,
    rateExpirationTime: isoSeconds(new Date(created + 48 * 3600_000)),
    guaranteedTargetAmountAllowed: false,
    targetAmountAllowed: true,
    guaranteedTargetAmount: false,
    providedAmountType: quote.providedAmountType,
    paymentOptions: [paymentOption(quote, 'BALANCE'), paymentOption(quote, 'BANK_TRANSFER')],
    status: quoteStatus(sim, quote),
    expirationTime: quote.expirationTime,
    notices: [],
    type: 'REGULAR',
    ...(quote.targetAccount ? { targetAccount: quote.targetAccount } : {}),
    ...(quote.paymentMetadata ? { paymentMetadata: quote.paymentMetadata } : {}),
  };
}

/** Wise's form JSON; absent rather than null where the OpenAPI types a property non-nullable. */
export function requirementsJson(types: RequirementType[]) {
  return types.map((t) => ({
    type: t.type,
    title: t.title,
    ...(t.usageInfo ? { usageInfo: t.usageInfo } : {}),
    fields: t.fields.map((g) => ({
      name: g.name,
      group: g.group.map((f) => ({
        key: f.key,
        name: f.name,
        type: f.type,
        refreshRequirementsOnChange: f.refreshRequirementsOnChange,
        required: f.required,
        ...(f.displayFormat !== undefined ? { displayFormat: f.displayFormat } : {}),
        ...(f.example !== undefined ? { example: f.example } : {}),
        ...(f.minLength !== undefined ? { minLength: f.minLength } : {}),
        ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
        ...(f.validationRegexp !== undefined ? { validationRegexp: f.validationRegexp } : {}),
        valuesAllowed: f.valuesAllowed ?? null,
      })),
    })),
  }));
}

export const pascal = (type: string) => type.split('_').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');

function recipientCountry(r: SimRecipient): string | undefined {
  const d = r.details as Record<string, any>;
  if (typeof d.IBAN === 'string') return d.IBAN.slice(0, 2).toUpperCase();
  if (d.address?.country) return String(d.address.country);
  return simCurrency(r.currency)?.country;
}

const ACCOUNT_FIELDS: Record<string, [string, string]> = {
  sortCode: ['sortCode', 'UK sort code'],
  IBAN: ['IBAN', 'IBAN'],
  abartn: ['abartn', 'ACH routing number'],
  institutionNumber: ['institutionNumber', 'Institution number'],
  bsbCode: ['bsbCode', 'BSB code'],
  bankCode: ['bankCode', 'Bank code'],
  ifscCode: ['ifscCode', 'IFSC code'],
  swiftCode: ['swiftCode', 'SWIFT code'],
};

/** The v2 recipient object, which the OpenAPI gives for create, get, list and delete alike. */
export function recipientJson(r: SimRecipient) {
  const d = r.details as Record<string, any>;
  const [givenName, ...rest] = r.accountHolderName.split(/\s+/);
  const bankField = Object.keys(ACCOUNT_FIELDS).find((k) => d[k] !== undefined);
  const account = String(d.IBAN ?? d.accountNumber ?? d.interacAccount ?? d.email ?? '');
  const displayFields = Object.entries(d)
    .filter(([k, v]) => k !== 'legalType' && k !== 'address' && typeof v === 'string')
    .map(([k, v]) => ({ key: `details/${k}`, label: ACCOUNT_FIELDS[k]?.[1] ?? k, value: String(v) }));
  const country = recipientCountry(r);
  return {
    id: r.id,
    creatorId: r.userId,
    profileId: r.profileId,
    name: {
      fullName: r.accountHolderName,
      givenName: r.legalType === 'PRIVATE' ? givenName : null,
      familyName: r.legalType === 'PRIVATE' && rest.length ? rest.join(' ') : null,
      middleName: null,
      patronymicName: null,
      cannotHavePatronymicName: null,
    },
    currency: r.currency,
    ...(country ? { country } : {}),
    type: pascal(r.type),
    legalEntityType: r.legalType === 'BUSINESS' ? 'BUSINESS' : 'PERSON',
    active: r.active,
    details: { ...d, hashedByLooseHashAlgorithm: shortHash(JSON.stringify(d)) },
    commonFieldMap: { accountNumberField: d.IBAN ? 'IBAN' : 'accountNumber', ...(bankField ? { bankCodeField: bankField } : {}) },
    hash: shortHash(r.accountHolderName + JSON.stringify(d)),
    accountSummary: bankField && bankField !== 'IBAN' ? `(${d[bankField]}) ${account}` : account,
    longAccountSummary: `${r.currency} account ending in ${account.slice(-4)}`,
    displayFields,
    isInternal: false,
    ownedByCustomer: r.ownedByCustomer,
    email: typeof d.email === 'string' ? d.email : undefined,
  };
}

function shortHash(value: string): string {
  let h = 0;
  for (const ch of value) h = (Math.imul(31, h) + ch.charCodeAt(0)) | 0;
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function transferJson(t: SimTransfer) {
  return {
    id: t.id,
    user: t.userId,
    targetAccount: t.targetAccount,
    sourceAccount: t.sourceAccount,
    quote: null,
    quoteUuid: t.quoteUuid,
    status: t.status,
    reference: t.reference,
    rate: t.rate,
    created: t.created,
    business: null,
    transferRequest: null,
    details: { reference: t.reference },
    hasActiveIssues: false,
    sourceCurrency: t.sourceCurrency,
    sourceValue: t.sourceValue,
    targetCurrency: t.targetCurrency,
    targetValue: t.targetValue,
    customerTransactionId: t.customerTransactionId,
  };
}
