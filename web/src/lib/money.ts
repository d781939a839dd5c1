/** Money as the API sends it: a decimal string and an ISO currency code ("120.00", "EUR"). */
export interface Money {
  amount: string;
  currency: string;
}

/** Whole cents: prices add up exactly, which floating point does not promise. */
export function toCents(amount: string): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!m) throw new Error(`not an amount: ${amount}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "120.00 EUR": the form the API documents, and what a screen reader reads out plainly. */
export const formatMoney = (m: Money) => `${m.amount} ${m.currency}`;

/** The sum of prices in one currency; several currencies are summed apart ("10.00 EUR + 5.00 USD"). */
export function sumMoney(items: readonly Money[]): Money[] {
  const totals = new Map<string, number>();
  for (const m of items) totals.set(m.currency, (totals.get(m.currency) ?? 0) + toCents(m.amount));
  return [...totals].map(([currency, cents]) => ({ amount: fromCents(cents), currency }));
}

export const formatTotal = (items: readonly Money[]) => sumMoney(items).map(formatMoney).join(' + ') || '0.00';
