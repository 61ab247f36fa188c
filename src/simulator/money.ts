/**
 * Rates, fees and rounding for simulated quotes. Rates are fixed (realistic, not live) so
 * tests can predict amounts; cross rates go through USD.
 */
const USD_PER_UNIT: Record<string, number> = {
  USD: 1,
  GBP: 1.27,
  EUR: 1.08,
  CAD: 0.74,
  AUD: 0.66,
  JPY: 0.0067,
  KRW: 0.00075,
  INR: 0.012,
  CHF: 1.13,
  SEK: 0.095,
  NOK: 0.094,
  DKK: 0.145,
  PLN: 0.25,
  NZD: 0.6,
  SGD: 0.74,
  HKD: 0.128,
  MXN: 0.058,
  BRL: 0.2,
  ZAR: 0.055,
};

export const SUPPORTED_CURRENCIES = new Set(Object.keys(USD_PER_UNIT));
/** Currencies without minor units. */
const ZERO_DECIMALS = new Set(['JPY', 'KRW']);

export function decimalsOf(currency: string): number {
  return ZERO_DECIMALS.has(currency) ? 0 : 2;
}

export function round(amount: number, currency: string): number {
  const factor = 10 ** decimalsOf(currency);
  return Math.round(amount * factor) / factor;
}

export function rateOf(source: string, target: string): number {
  return Number((USD_PER_UNIT[source] / USD_PER_UNIT[target]).toPrecision(6));
}

/** Wise-like pricing: 0.41 % variable plus a small fixed fee, in the source currency. */
export function feeFor(sourceAmount: number, source: string): number {
  const fixed = USD_PER_UNIT[source] ? round(0.5 / USD_PER_UNIT[source], source) : 0;
  return round(sourceAmount * 0.0041 + fixed, source);
}

export function formatAmount(amount: number, currency: string): string {
  return `${amount.toFixed(decimalsOf(currency))} ${currency}`;
}

export function toUsd(amount: number, currency: string): number {
  return amount * (USD_PER_UNIT[currency] ?? 0);
}
