/**
 * The organizer's session form, as typed: a tier name and price per section
 * of the hall (sections with the same tier name share one tier; a section
 * left without a tier is not on sale), plus standing areas. This turns it
 * into the API's tiers or says what is wrong.
 */

export interface SectionPricing {
  section: string;
  tier: string;
  price: string;
}

export interface AreaDraft {
  area: string;
  capacity: string;
  tier: string;
  price: string;
}

export type TierBody =
  | { name: string; price: { amount: string; currency: string }; sections: string[] }
  | { name: string; price: { amount: string; currency: string }; area: string; capacity: number };

const AMOUNT = /^\d{1,10}(\.\d{1,2})?$/;

export function sessionTiers(sections: readonly SectionPricing[], areas: readonly AreaDraft[], currency: string): { tiers: TierBody[] } | { errors: string[] } {
  const errors: string[] = [];
  const seated = new Map<string, { amount: string; sections: string[] }>();
  for (const s of sections) {
    const tier = s.tier.trim();
    if (!tier) continue;
    const amount = s.price.trim();
    if (!AMOUNT.test(amount)) {
      errors.push(`${s.section}: the price must be an amount such as 45 or 45.50.`);
      continue;
    }
    const t = seated.get(tier);
    if (!t) seated.set(tier, { amount, sections: [s.section] });
    else if (Number(t.amount) !== Number(amount)) errors.push(`Tier "${tier}" has two prices (${t.amount} and ${amount}); give its sections one price or name them apart.`);
    else t.sections.push(s.section);
  }
  const tiers: TierBody[] = [...seated].map(([name, t]) => ({ name, price: { amount: t.amount, currency }, sections: t.sections }));
  for (const a of areas) {
    const area = a.area.trim();
    if (!area) {
      errors.push('A standing area needs a name.');
      continue;
    }
    const capacity = Number(a.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 20_000) errors.push(`${area}: the capacity must be a whole number from 1 to 20,000.`);
    if (!AMOUNT.test(a.price.trim())) errors.push(`${area}: the price must be an amount such as 45 or 45.50.`);
    tiers.push({ name: a.tier.trim() || area, price: { amount: a.price.trim(), currency }, area, capacity });
  }
  if (!tiers.length && !errors.length) errors.push('Put at least one section or standing area on sale.');
  return errors.length ? { errors } : { tiers };
}
