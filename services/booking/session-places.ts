import type { SessionPlaces } from '../../contracts/catalog';
import type { CatalogClient } from '../../contracts/clients';
import type { Logger } from '../shared/logger';

/**
 * What the catalog last said of a session's places (from its cached seat
 * map: no database read), remembered by this replica for `ttlMs` and asked
 * one request at a time: every queue poll and every general-admission
 * request looks. Undefined when the catalog could not say: not knowing
 * refuses nobody.
 */
export function createSessionPlaces(catalog: CatalogClient, logger: Logger, ttlMs: number) {
  const known = new Map<string, { places: Promise<SessionPlaces | undefined>; until: number }>();
  return function places(sessionId: string): Promise<SessionPlaces | undefined> {
    const cached = known.get(sessionId);
    if (cached && cached.until > Date.now()) return cached.places;
    if (known.size > 10_000) known.clear();
    const asked = catalog.places(sessionId).catch((err: unknown) => {
      logger.warn({ err, sessionId }, 'places of the session unknown');
      return undefined;
    });
    const entry = { places: asked, until: Number.POSITIVE_INFINITY };
    known.set(sessionId, entry);
    void asked.then(() => (entry.until = Date.now() + ttlMs));
    return asked;
  };
}
export type SessionPlacesOf = ReturnType<typeof createSessionPlaces>;
