/**
 * What the gateway knows about a currency: its minor units. Taken from the ICU data Node ships
 * (`Intl.NumberFormat`, ISO 4217 via CLDR) rather than a list of our own — a hand-kept list of
 * zero-decimal currencies had already drifted from the simulator's. Any ISO 4217 code works; a
 * new currency needs no row anywhere in the gateway.
 */
const DECIMALS = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency: 2 for GBP, 0 for JPY, 3 for BHD. */
export function decimalsOf(currency: string): number {
  let decimals = DECIMALS.get(currency);
  if (decimals === undefined) {
    try {
      decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch (err) {
      // Not a well-formed code (a RangeError): the caller's validation reports it; format as most currencies.
      if (!(err instanceof RangeError)) throw err;
      decimals = 2;
    }
    DECIMALS.set(currency, decimals);
  }
  return decimals;
}
