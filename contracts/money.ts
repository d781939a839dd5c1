import { z } from 'zod';

/** A price: a decimal string and its currency, as every service and the public API carry it. */
export const Money = z.object({
  amount: z.string().regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be a decimal string such as "120.00"'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"'),
});
export type Money = z.infer<typeof Money>;

/** Money is summed in integer cents: no float ever touches a price. */
export function toCents(amount: string): number {
  const [whole, frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

export function fromCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
