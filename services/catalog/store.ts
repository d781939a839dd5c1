import type { Pool } from 'pg';
import { createEventStore } from './events';
import { createSessionStore } from './sessions';
import { createVenueStore } from './venues';

/**
 * The data layer of the catalog schema, everything but seat state changes
 * (seat-holds.ts): venues and halls (venues.ts), events (events.ts),
 * sessions (sessions.ts).
 */
export function createCatalogStore(pool: Pool) {
  return { ...createVenueStore(pool), ...createEventStore(pool), ...createSessionStore(pool) };
}
export type CatalogStore = ReturnType<typeof createCatalogStore>;
