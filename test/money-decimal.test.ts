/** Money is decimal: parsed, compared and rounded without binary floating point. */
import { describe, expect, it } from 'vitest';
import { decimalsOf } from '../src/domain/currencies.js';
import { amountString, checkAmount, compareAmounts, isLess, toWiseNumber } from '../src/domain/money.js';

describe('amounts', () => {
  it('round half up the same way whatever the binary float would have done', () => {
    expect(amountString(1.005, 'GBP')).toBe('1.01');
    expect(amountString(8.345, 'GBP')).toBe('8.35');
    expect(amountString('1.005', 'EUR')).toBe('1.01');
    expect(amountString('1000.00000000', 'GBP')).toBe('1000.00');
  });

  it("take the currency's minor units from ISO 4217, with no list to keep", () => {
    expect(decimalsOf('GBP')).toBe(2);
    expect(decimalsOf('JPY')).toBe(0);
    expect(decimalsOf('KRW')).toBe(0);
    expect(decimalsOf('BHD')).toBe(3);
    expect(amountString('1000.4', 'JPY')).toBe('1000');
    expect(amountString(12.3456, 'BHD')).toBe('12.346');
  });

  it('compare as decimals', () => {
    // Twenty significant digits fit the stored columns, not a double: as numbers these are equal.
    expect(Number('123456789012.12345678') < Number('123456789012.12345679')).toBe(false);
    expect(isLess('123456789012.12345678', '123456789012.12345679')).toBe(true);
    expect(compareAmounts('100.00', 100)).toBe(0);
    expect(isLess('99.99', '100')).toBe(true);
    expect(isLess('1000000000000.01', '1000000000000.02')).toBe(true);
  });

  it('refuse too many decimals and zero rather than rounding them', () => {
    expect(checkAmount('10.001', 'GBP')).toBe('GBP has 2 decimal places');
    expect(checkAmount('10.5', 'JPY')).toBe('JPY has 0 decimal places');
    expect(checkAmount('0.00', 'GBP')).toBe('must be more than zero');
    expect(checkAmount('12.50', 'GBP')).toBeUndefined();
  });

  it('go to Wise as the JSON number of the decimal string', () => {
    expect(toWiseNumber('12.50')).toBe(12.5);
  });
});
