import { fromProblem, HttpError } from '../shared/errors';
import type { EventSaleSpec } from './crd';

/**
 * The catalog's public API as the operator uses it: the organizer calls of
 * ../../services/catalog/app.ts. Refusals arrive as HttpError with the
 * catalog's status and code (409 LAYOUT_LOCKED, 400 VALIDATION_FAILED...).
 */

export type HallLayout = EventSaleSpec['hall'];
export type VenueFields = EventSaleSpec['venue'];
export type EventFields = { title: string; description: string; category: string };
export type SessionFields = EventSaleSpec['sessions'][number];

export interface CatalogHall {
  id: string;
  venueId: string;
  name: string;
  sections: HallLayout['sections'];
}

export interface CatalogVenue extends VenueFields {
  id: string;
  halls: CatalogHall[];
}

export interface SeatCounts {
  available: number;
  reserved: number;
  sold: number;
}

export interface CatalogSession {
  id: string;
  eventId: string;
  hallId: string;
  startsAt: string;
  endsAt: string;
  tiers: { name: string; price: { amount: string; currency: string }; sections?: string[] }[];
  availability?: SeatCounts;
}

export interface CatalogEvent extends EventFields {
  id: string;
  status: 'draft' | 'published' | 'cancelled';
  sessions: CatalogSession[];
}

export interface CatalogApi {
  /** The operator account's venues with their halls. */
  listVenues(): Promise<CatalogVenue[]>;
  getVenue(id: string): Promise<CatalogVenue | undefined>;
  createVenue(v: VenueFields): Promise<CatalogVenue>;
  createHall(venueId: string, h: HallLayout): Promise<CatalogHall>;
  /** 409 LAYOUT_LOCKED once a session in the hall has sold or held seats. */
  replaceHall(venueId: string, hallId: string, h: HallLayout): Promise<CatalogHall>;
  /** The operator account's events that are not cancelled, with their sessions. */
  listOwnEvents(): Promise<CatalogEvent[]>;
  /** With its sessions and their seat counts; undefined when it does not exist. */
  getEvent(id: string): Promise<CatalogEvent | undefined>;
  createEvent(e: EventFields): Promise<CatalogEvent>;
  updateEvent(id: string, patch: Partial<EventFields>): Promise<void>;
  createSession(eventId: string, s: SessionFields & { hallId: string }): Promise<CatalogSession>;
  publishEvent(id: string): Promise<void>;
  /** Cancelling a cancelled event answers it again: safe to repeat. */
  cancelEvent(id: string): Promise<void>;
}

export interface CatalogHttpOptions {
  catalogUrl: string;
  authUrl: string;
  email: string;
  password: string;
  timeoutMs?: number;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * The catalog over HTTP, signed in as the operator's organizer account. An
 * access token lives 15 minutes: a 401 rotates the refresh token (or signs
 * in again when that fails) and repeats the call once.
 */
export function createCatalogHttpApi(o: CatalogHttpOptions): CatalogApi {
  const catalog = o.catalogUrl.replace(/\/$/, '');
  const auth = o.authUrl.replace(/\/$/, '');
  const timeoutMs = o.timeoutMs ?? 10_000;

  async function send(url: string, method: string, body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function signIn(): Promise<Tokens> {
    const res = await send(`${auth}/api/v1/auth/login`, 'POST', { email: o.email, password: o.password });
    if (res.status !== 200) throw fromProblem(res.body, res.status);
    return res.body as Tokens;
  }

  async function renew(stale: Tokens): Promise<Tokens> {
    const res = await send(`${auth}/api/v1/auth/refresh`, 'POST', { refreshToken: stale.refreshToken });
    return res.status === 200 ? (res.body as Tokens) : signIn();
  }

  let tokens: Tokens | undefined;
  let pending: Promise<Tokens> | undefined;
  /** The current pair; given the pair a 401 refused, a renewed one. One sign-in at a time. */
  function obtain(refused?: Tokens): Promise<Tokens> {
    if (tokens && tokens !== refused) return Promise.resolve(tokens);
    pending ??= (async () => {
      try {
        tokens = refused ? await renew(refused) : await signIn();
        return tokens;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const used = await obtain();
    let res = await send(`${catalog}${path}`, method, body, used.accessToken);
    if (res.status === 401) res = await send(`${catalog}${path}`, method, body, (await obtain(used)).accessToken);
    if (res.status >= 400) throw fromProblem(res.body, res.status);
    return res.body as T;
  }

  const orUndefined = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    }
  };

  async function eventsWithStatus(status: 'draft' | 'published'): Promise<CatalogEvent[]> {
    const all: CatalogEvent[] = [];
    for (let page = 1; ; page++) {
      const res = await call<{ items: CatalogEvent[]; total: number }>('GET', `/api/v1/organizer/events?status=${status}&page=${page}&pageSize=100`);
      all.push(...res.items);
      if (res.items.length === 0 || all.length >= res.total) return all;
    }
  }

  return {
    listVenues: async () => (await call<{ items: CatalogVenue[] }>('GET', '/api/v1/venues')).items,
    getVenue: (id) => orUndefined(call<CatalogVenue>('GET', `/api/v1/venues/${encodeURIComponent(id)}`)),
    createVenue: (v) => call('POST', '/api/v1/venues', v),
    createHall: (venueId, h) => call('POST', `/api/v1/venues/${encodeURIComponent(venueId)}/halls`, h),
    replaceHall: (venueId, hallId, h) =>
      call('PUT', `/api/v1/venues/${encodeURIComponent(venueId)}/halls/${encodeURIComponent(hallId)}`, h),
    listOwnEvents: async () => [...(await eventsWithStatus('draft')), ...(await eventsWithStatus('published'))],
    getEvent: (id) => orUndefined(call<CatalogEvent>('GET', `/api/v1/events/${encodeURIComponent(id)}`)),
    createEvent: (e) => call('POST', '/api/v1/events', e),
    updateEvent: async (id, patch) => void (await call('PATCH', `/api/v1/events/${encodeURIComponent(id)}`, patch)),
    createSession: (eventId, s) => call('POST', `/api/v1/events/${encodeURIComponent(eventId)}/sessions`, s),
    publishEvent: async (id) => void (await call('POST', `/api/v1/events/${encodeURIComponent(id)}/publish`)),
    cancelEvent: async (id) => void (await call('POST', `/api/v1/events/${encodeURIComponent(id)}/cancel`)),
  };
}
