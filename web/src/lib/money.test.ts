import { describe, expect, it } from 'vitest';
import { formatMoney, formatTotal, fromCents, sumMoney, toCents } from './money';

describe('money', () => {
  it('reads and writes amounts in whole cents', () => {
    expect(toCents('120.00')).toBe(12000);
    expect(toCents('30.5')).toBe(3050);
    expect(toCents('7')).toBe(700);
    expect(fromCents(3050)).toBe('30.50');
    expect(fromCents(-5)).toBe('-0.05');
    expect(() => toCents('1.234')).toThrow();
  });

  it('adds prices exactly, per currency', () => {
    const tenCents = Array.from({ length: 3 }, () => ({ amount: '0.10', currency: 'EUR' }));
    expect(sumMoney(tenCents)).toEqual([{ amount: '0.30', currency: 'EUR' }]);
    expect(formatTotal([{ amount: '120.00', currency: 'EUR' }, { amount: '30.50', currency: 'EUR' }])).toBe('150.50 EUR');
    expect(formatTotal([{ amount: '1.00', currency: 'EUR' }, { amount: '2.00', currency: 'USD' }])).toBe('1.00 EUR + 2.00 USD');
    expect(formatTotal([])).toBe('0.00');
  });

  it('formats as the API documents prices', () => {
    expect(formatMoney({ amount: '45.00', currency: 'EUR' })).toBe('45.00 EUR');
  });
});
