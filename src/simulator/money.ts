/**
 * Rates, fees and rounding for simulated quotes, from the simulator's currency table
 * (currencies.ts). Rates are fixed (realistic, not live) so tests can predict amounts; cross
 * rates go through USD.
 */
import { Big } from 'big.js';
import { simCurrency } from './currencies.js';

const usdPerUnit = (currency: string): number | undefined => simCurrency(currency)?.usdPerUnit;

export function decimalsOf(currency: string): number {
  return simCurrency(currency)?.decimals ?? 2;
}

/** Rounded half up in decimal (big.js): Math.round(1.005 * 100) would give 1.00. */
export function round(amount: number, currency: string): number {
  return new Big(amount).round(decimalsOf(currency), Big.roundHalfUp).toNumber();
}

export function rateOf(source: string, target: string): number {
  return Number((usdPerUnit(source)! / usdPerUnit(target)!).toPrecision(6));
}

/** Wise-like pricing: 0.41 % variable plus a small fixed fee, in the source currency. */
export function feeFor(sourceAmount: number, source: string): number {
  const perUnit = usdPerUnit(source);
  const fixed = perUnit ? round(0.5 / perUnit, source) : 0;
  return round(sourceAmount * 0.0041 + fixed, source);
}

export function formatAmount(amount: number, currency: string): string {
  return `${new Big(amount).toFixed(decimalsOf(currency), Big.roundHalfUp)} ${currency}`;
}

export function toUsd(amount: number, currency: string): number {
  return amount * (usdPerUnit(currency) ?? 0);
}
