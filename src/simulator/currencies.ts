/**
 * The simulator's one table of currencies: everything it believes about each currency Wise
 * pays out, in one row — the fixed rate (realistic, not live, so tests can predict amounts;
 * cross rates go through USD), the minor units, which recipient forms Wise offers, the
 * country a recipient is in when its details do not say, the reference's length limit and
 * whether Wise asks for a transfer purpose. Adding a currency is one row here.
 *
 * Written apart from the gateway's view of currencies (src/domain/currencies.ts) on purpose:
 * the simulator plays Wise, and a belief shared by both sides could never be caught by a test.
 */
import type { FormFamily } from './requirements/account-requirements.js';

export type SimCurrency = {
  /** US dollars for one unit: fixed rates. */
  usdPerUnit: number;
  /** Minor-unit digits Wise uses for amounts. */
  decimals: number;
  /** The recipient account types Wise offers for it (requirements/account-requirements.ts). */
  forms: FormFamily;
  /** A recipient's country when neither an IBAN nor an address says. */
  country?: string;
  /** The transfer reference's maximum length (Wise's limit depends on the payout rail); 35 otherwise. */
  referenceMax?: number;
  /** Wise asks for a transfer purpose (transfer requirements). */
  transferPurpose?: boolean;
};

const CURRENCIES: Record<string, SimCurrency> = {
  USD: { usdPerUnit: 1, decimals: 2, forms: 'USD', country: 'US', referenceMax: 10 },
  GBP: { usdPerUnit: 1.27, decimals: 2, forms: 'GBP', country: 'GB', referenceMax: 18 },
  EUR: { usdPerUnit: 1.08, decimals: 2, forms: 'EUR', referenceMax: 140 },
  CAD: { usdPerUnit: 0.74, decimals: 2, forms: 'CAD', country: 'CA', referenceMax: 30 },
  AUD: { usdPerUnit: 0.66, decimals: 2, forms: 'AUD', country: 'AU', referenceMax: 18 },
  JPY: { usdPerUnit: 0.0067, decimals: 0, forms: 'JPY', country: 'JP', referenceMax: 20 },
  KRW: { usdPerUnit: 0.00075, decimals: 0, forms: 'KRW', country: 'KR', referenceMax: 20, transferPurpose: true },
  INR: { usdPerUnit: 0.012, decimals: 2, forms: 'INR', country: 'IN', referenceMax: 30, transferPurpose: true },
  CHF: { usdPerUnit: 1.13, decimals: 2, forms: 'IBAN' },
  SEK: { usdPerUnit: 0.095, decimals: 2, forms: 'IBAN' },
  NOK: { usdPerUnit: 0.094, decimals: 2, forms: 'IBAN' },
  DKK: { usdPerUnit: 0.145, decimals: 2, forms: 'IBAN' },
  PLN: { usdPerUnit: 0.25, decimals: 2, forms: 'IBAN' },
  NZD: { usdPerUnit: 0.6, decimals: 2, forms: 'EMAIL' },
  SGD: { usdPerUnit: 0.74, decimals: 2, forms: 'EMAIL' },
  HKD: { usdPerUnit: 0.128, decimals: 2, forms: 'EMAIL' },
  MXN: { usdPerUnit: 0.058, decimals: 2, forms: 'EMAIL' },
  BRL: { usdPerUnit: 0.2, decimals: 2, forms: 'EMAIL' },
  ZAR: { usdPerUnit: 0.055, decimals: 2, forms: 'EMAIL' },
};

/** The row of a currency the simulator quotes, or undefined (Wise answers "not a valid currency"). */
export function simCurrency(code: string): SimCurrency | undefined {
  return Object.hasOwn(CURRENCIES, code) ? CURRENCIES[code] : undefined;
}

export const isSupportedCurrency = (code: unknown): code is string => typeof code === 'string' && simCurrency(code) !== undefined;
