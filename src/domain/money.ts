/**
 * Money as decimal strings, never floats. Wise sends amounts as JSON numbers in major units;
 * they become strings with the currency's number of decimals at the boundary, and strings go
 * back to Wise as numbers only in the request body. Parsing, comparing and rounding go through
 * big.js: `(1.005).toFixed(2)` is "1.00" but `(8.345).toFixed(2)` is "8.35" in binary floating
 * point; in decimal both round half up.
 */
import { Big } from 'big.js';
import { decimalsOf } from './currencies.js';

export { decimalsOf } from './currencies.js';

/**
 * A positive or zero amount as a string: "1000", "12.50". At most 12 digits before the point
 * (under a trillion — far above what Wise lets one transfer carry) so that what Wise answers for
 * it, converted into any currency, fits the stored columns (numeric(30, 8)).
 */
export const DECIMAL = /^\d{1,12}(\.\d{1,8})?$/;

/** An amount with the currency's decimals, rounded half up: 1.005 GBP → "1.01", 1000.4 JPY → "1000". */
export function amountString(value: number | string, currency: string): string {
  return new Big(value).toFixed(decimalsOf(currency), Big.roundHalfUp);
}

/** Postgres numeric comes back as "1000.00000000": trimmed to the currency's decimals. */
export function fromNumeric(value: string, currency: string): string {
  return amountString(value, currency);
}

/** A rate as Wise gave it, without trailing zeros: "1.20510000" → "1.2051". */
export function rateString(value: number | string): string {
  const s = String(value);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** -1, 0 or 1 as `a` is less than, equal to or more than `b`, compared as decimals. */
export function compareAmounts(a: number | string, b: number | string): number {
  return new Big(a).cmp(new Big(b));
}

/** `a < b` as decimals (`0.1 + 0.2` is not more than `0.3` here). */
export const isLess = (a: number | string, b: number | string): boolean => compareAmounts(a, b) < 0;

/** A decimal string as the JSON number Wise expects in a request body. */
export function toWiseNumber(value: string): number {
  return new Big(value).toNumber();
}

/** Too many decimals for the currency is an input error, not something to round silently. */
export function checkAmount(value: string, currency: string): string | undefined {
  if (!DECIMAL.test(value)) return /^\d{13,}/.test(value) ? 'must be less than 1000000000000' : 'must be a decimal number such as 1000 or 99.95';
  if (new Big(value).lte(0)) return 'must be more than zero';
  const places = value.split('.')[1]?.length ?? 0;
  if (places > decimalsOf(currency)) return `${currency} has ${decimalsOf(currency)} decimal places`;
  return undefined;
}
