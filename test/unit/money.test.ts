import { fromCents, toCents } from '../../contracts/money';

describe('money in cents', () => {
  it.each([
    ['0', 0],
    ['0.5', 50],
    ['12.05', 1205],
    ['120.00', 12000],
    ['9999999999.99', 999999999999],
  ])('%s is %d cents', (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  it('prints two decimals', () => {
    expect(fromCents(0)).toBe('0.00');
    expect(fromCents(5)).toBe('0.05');
    expect(fromCents(16100)).toBe('161.00');
  });

  it('sums prices without float error', () => {
    expect(fromCents(['0.10', '0.20', '30.50'].reduce((s, a) => s + toCents(a), 0))).toBe('30.80');
  });
});
