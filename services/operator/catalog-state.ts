import type { CatalogApi, CatalogEvent, CatalogHall, CatalogSession, CatalogVenue, EventFields } from './catalog-api';
import type { EventSaleSpec, EventSaleStatus } from './crd';

/**
 * How an EventSale's spec compares with what the catalog holds, and how its
 * catalog objects are found again when the status that named them is lost.
 * Pure comparisons plus read-only catalog calls.
 */

/** JSON with sorted keys: the catalog's jsonb reorders keys, which is no change. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

export const sameVenue = (v: CatalogVenue, s: EventSaleSpec['venue']) =>
  v.name === s.name && v.city === s.city && v.address === s.address;

export const sameLayout = (h: CatalogHall, s: EventSaleSpec['hall']) =>
  h.name === s.name && canonical(h.sections) === canonical(s.sections);

export const eventFields = (s: EventSaleSpec): EventFields => ({
  title: s.event.title,
  description: s.event.description ?? '',
  category: s.event.category,
});

/** The fields of the event that differ from the spec (empty: nothing to PATCH). */
export function eventChanges(e: CatalogEvent, s: EventSaleSpec): Partial<EventFields> {
  const want = eventFields(s);
  const changes: Partial<EventFields> = {};
  for (const k of ['title', 'description', 'category'] as const) if (e[k] !== want[k]) changes[k] = want[k];
  return changes;
}

type SpecSession = EventSaleSpec['sessions'][number];

const tiersKey = (tiers: { name: string; price: { amount: string; currency: string }; sections?: string[] }[]) =>
  canonical(
    [...tiers]
      .map((t) => ({ name: t.name, amount: Number(t.price.amount), currency: t.price.currency, sections: [...(t.sections ?? [])].sort() }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  );

/** A spec session is a catalog session of the hall starting at the same instant (no two overlap in a hall). */
export const matchSession = (sessions: CatalogSession[], hallId: string, s: SpecSession) =>
  sessions.find((c) => c.hallId === hallId && sameInstant(c.startsAt, s.startsAt));

export const sessionDiffers = (c: CatalogSession, s: SpecSession) => !sameInstant(c.endsAt, s.endsAt) || tiersKey(c.tiers) !== tiersKey(s.tiers);

export interface Located {
  venue?: CatalogVenue;
  hall?: CatalogHall;
  event?: CatalogEvent;
}

/**
 * Finds the EventSale's venue, hall and event: by the ids in its status
 * first; without them (status lost, or a crash between a create and the
 * status write) by markers the catalog itself keeps unique for the
 * operator's account: a venue by name, city and address; a hall by its name
 * in that venue; the event by a session in that hall at one of the spec's
 * start times (the catalog refuses overlapping sessions in a hall, so at
 * most one live event has it), or else a session-less draft with the
 * spec's title, description and category (the crash window between
 * creating the event and its first session).
 */
export async function locate(catalog: CatalogApi, spec: EventSaleSpec, known: EventSaleStatus['catalog'] = {}): Promise<Located> {
  let venue = known.venueId ? await catalog.getVenue(known.venueId) : undefined;
  venue ??= (await catalog.listVenues()).find((v) => sameVenue(v, spec.venue));
  const halls = venue?.halls ?? [];
  const hall = halls.find((h) => h.id === known.hallId) ?? halls.find((h) => h.name === spec.hall.name);
  let event = known.eventId ? await catalog.getEvent(known.eventId) : undefined;
  if (!event) {
    const own = await catalog.listOwnEvents();
    const found =
      (hall && own.find((e) => spec.sessions.some((s) => matchSession(e.sessions, hall.id, s)))) ??
      own.find((e) => e.status === 'draft' && e.sessions.length === 0 && canonical(eventFields(spec)) === canonical({ title: e.title, description: e.description, category: e.category }));
    if (found) event = await catalog.getEvent(found.id);
  }
  return { venue, hall, event };
}
