import type { CatalogClient } from '../../contracts/clients';

/**
 * Which event a session belongs to, asked of the catalog once per session
 * (a session never moves to another event, so the answer is cached for good).
 */
export function createSessionEvents(catalog: CatalogClient) {
  const known = new Map<string, Promise<string>>();
  return {
    eventOf(sessionId: string): Promise<string> {
      let found = known.get(sessionId);
      if (!found) {
        found = catalog.session(sessionId).then((s) => s.eventId);
        // A failed lookup is asked again next time, not remembered.
        found.catch(() => known.delete(sessionId));
        known.set(sessionId, found);
      }
      return found;
    },
  };
}
export type SessionEvents = ReturnType<typeof createSessionEvents>;
