/**
 * Money as decimal strings, never floats. Wise sends amounts as JSON numbers in major units;
 * they become strings with the currency's number of decimals at the boundary, and strings go
 * back to Wise as numbers only in the request body.
 */

/** Currencies Wise quotes without minor units. */
const ZERO_DECIMALS = new Set(['JPY', 'KRW', 'CLP', 'VND', 'ISK', 'IDR', 'UGX', 'XOF', 'XAF']);

export function decimalsOf(currency: string): number {
  return ZERO_DECIMALS.has(currency) ? 0 : 2;
}

/**
 * A positive or zero amount as a string: "1000", "12.50". At most 12 digits before the point
 * (under a trillion — far above what Wise lets one transfer carry) so that what Wise answers for
 * it, converted into any currency, fits the stored columns (numeric(30, 8)).
 */
export const DECIMAL = /^\d{1,12}(\.\d{1,8})?$/;

export function amountString(value: number | string, currency: string): string {
  return Number(value).toFixed(decimalsOf(currency));
}

/** Postgres numeric comes back as "1000.00000000": trimmed to the currency's decimals. */
export function fromNumeric(value: string, currency: string): string {
  return amountString(value, currency);
}

export function rateString(value: number | string): string {
  const s = String(value);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Too many decimals for the currency is an input error, not something to round silently. */
export function checkAmount(value: string, currency: string): string | undefined {
  if (!DECIMAL.test(value)) return /^\d{13,}/.test(value) ? 'must be less than 1000000000000' : 'must be a decimal number such as 1000 or 99.95';
  if (Number(value) <= 0) return 'must be more than zero';
  const places = value.split('.')[1]?.length ?? 0;
  if (places > decimalsOf(currency)) return `${currency} has ${decimalsOf(currency)} decimal places`;
  return undefined;
}
