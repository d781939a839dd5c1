/**
 * One buyer of the flash sale, as a web client behaves: reads the session's
 * layout once (then keeps it), the availability before every attempt, picks 1–4 adjacent seats
 * (half of the buyers aim at the front 10%), reserves, and on a 409 tries
 * other seats up to 3 more times. After a hold: 70% confirm with tok_visa,
 * 10% cancel, 20% walk away and let the hold lapse. With a waiting room, the
 * buyer first queues and reserves only once admitted, giving up after their
 * patience (a queue position is then their answer), or told by the queue
 * that the session sold out. A buyer told to queue
 * when reserving (the room opened on overflow) does the same, then goes on.
 */
import { randomUUID } from 'node:crypto';
import type { Buyer } from './buyer-accounts';
import { json, type HttpAnswer, type HttpClient } from './http-client';
import type { Endpoint, Recorder } from './recorder';
import { decodeAvailability } from '../../contracts/availability';
import type { SeatAvailability, SessionLayout } from '../../contracts/catalog';
import { brotliDecompressSync } from 'node:zlib';
import { indexRows, pickAdjacent, prng, type MapSeat, type RowIndex } from './seat-picker';

export type BuyerResult = 'held' | 'rejected' | 'no-seats-on-map' | 'queued' | 'sold-out' | 'failed';

/** What the buyers were told, per reservation: the audit compares it with the database. */
export type HoldFate = 'confirmed' | 'cancelled' | 'walked-away' | 'confirm-failed' | 'cancel-failed';

export interface Ledger {
  /** Reservation id → what became of it, as far as its buyer knows. */
  holds: Map<string, HoldFate>;
  /** The latest expiresAt of any hold (ms since the epoch). */
  lastExpiry: number;
  /** POST /reservations answers that leave the outcome unknown (timeouts, connection errors, 5xx). */
  unknownReserves: number;
}

export const newLedger = (): Ledger => ({ holds: new Map(), lastExpiry: 0, unknownReserves: 0 });

export interface BuyerContext {
  http: HttpClient;
  recorder: Recorder;
  sessionId: string;
  ledger: Ledger;
  seed: number;
  /** The organizer opened the session's waiting room: queue before the first reservation. */
  queueFirst: boolean;
  /** How long a buyer waits for admission before giving up with their queue position. */
  patienceMs: number;
  /**
   * Retry as an app would while the platform heals (the chaos benchmark): a
   * 503 with Retry-After after that long (at most maxWaitMs), a refused
   * connection after half a second; reservations then carry an
   * Idempotency-Key, so a retry never holds twice. Off: every answer is final.
   */
  retry?: { attempts: number; maxWaitMs: number };
}

/** How long to wait before retrying an answer, or undefined when it is final. */
function retryWait(a: HttpAnswer, maxWaitMs: number): number | undefined {
  if (a.status === 503 && a.retryAfter !== undefined) return Math.min(maxWaitMs, Math.max(0.1, Number(a.retryAfter) || 1) * 1000);
  // Refused: the request never reached a server (one restarting), so any request may be sent again.
  if (a.status === 'error' && a.raw.toString().startsWith('ECONNREFUSED')) return Math.min(maxWaitMs, 500);
  return undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Decompressing and parsing a layout of thousands of seats, and decoding an
 * availability, cost the load generator milliseconds that a real buyer's own
 * machine would spend: buyers who received the very same bytes (same ETag)
 * share one parse. Every buyer still makes every request.
 */
let lastLayout: { etag: string; seats: Omit<MapSeat, 'status'>[] } | undefined;
let lastIndex: { key: string; index: RowIndex } | undefined;

function layoutOf(a: HttpAnswer): Omit<MapSeat, 'status'>[] | undefined {
  if (a.etag && lastLayout?.etag === a.etag) return lastLayout.seats;
  const layout = JSON.parse((a.encoding === 'br' ? brotliDecompressSync(a.raw) : a.raw).toString('utf8')) as SessionLayout;
  const seats = layout.sections.flatMap((s) => s.rows.flatMap((r) => r.seatIds.map((seatId, k) => ({ seatId, section: s.name, row: r.label, number: k + 1 }))));
  if (a.etag) lastLayout = { etag: a.etag, seats };
  return seats;
}

function layoutVersionOf(a: HttpAnswer): string | undefined {
  return json<SeatAvailability>(a)?.layoutVersion;
}

function rowIndexOf(seats: Omit<MapSeat, 'status'>[], a: HttpAnswer, layoutEtag: string | undefined): RowIndex | undefined {
  const key = `${layoutEtag}/${a.etag}`;
  if (a.etag && lastIndex?.key === key) return lastIndex.index;
  const availability = json<SeatAvailability>(a);
  if (!availability?.seats) return undefined;
  const status = decodeAvailability(availability.seats, seats.length);
  const index = indexRows(seats.map((s, i) => ({ ...s, status: status[i]! })));
  if (a.etag) lastIndex = { key, index };
  return index;
}

export async function runBuyer(ctx: BuyerContext, buyer: Buyer, buyerNo: number): Promise<BuyerResult> {
  const random = prng(ctx.seed * 1_000_003 + buyerNo);
  /** Whether some reservation request of this buyer's current choice of seats may have held them unannounced (a 5xx, a lost answer). */
  let reserveInDoubt = false;
  const call = async (endpoint: Endpoint, method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    for (let attempt = 0; ; attempt++) {
      const a = await ctx.http.request(method, path, { token: buyer.token, body, headers });
      ctx.recorder.record(endpoint, a);
      if (endpoint === 'POST /reservations' && (a.status === 'timeout' || a.status === 'error' || a.status >= 500)) reserveInDoubt = true;
      const wait = ctx.retry && attempt < ctx.retry.attempts ? retryWait(a, ctx.retry.maxWaitMs) : undefined;
      if (wait === undefined) {
        if (a.status === 'timeout' || a.status === 'error') ctx.recorder.unanswered++;
        return a;
      }
      await sleep(wait);
    }
  };
  /**
   * A reservation's headers: with retries, an Idempotency-Key per choice of
   * seats, kept when the buyer is sent to queue and asks again for the same
   * seats (an attempt whose answer was lost may have held them already).
   */
  const reserveHeaders = (h: Record<string, string> | undefined, key: string | undefined) => (key ? { ...h, 'idempotency-key': key } : h);

  let headers: Record<string, string> | undefined;
  const queue = async (): Promise<BuyerResult | undefined> => {
    const admission = await waitForAdmission(ctx.patienceMs, call, ctx.sessionId);
    if (typeof admission !== 'string') return admission.result;
    headers = { 'x-admission-token': admission };
    return undefined;
  };
  if (ctx.queueFirst) {
    const gaveUp = await queue();
    if (gaveUp) return gaveUp;
  }

  // The availability names its layout's version; the layout is read once (immutable per version, a
  // browser keeps it), the availability before every attempt (304 while nothing changed).
  let availability: HttpAnswer | undefined;
  const readAvailability = async () => {
    const a = await call('GET /sessions/{id}/availability', 'GET', `/api/v1/sessions/${ctx.sessionId}/availability`, undefined, availability?.etag ? { 'if-none-match': availability.etag } : undefined);
    if (a.status === 200) availability = a;
    return a.status === 200 || (a.status === 304 && availability !== undefined);
  };
  if (!(await readAvailability())) return 'failed';
  const version = layoutVersionOf(availability!);
  const layoutAnswer = await call('GET /sessions/{id}/layout', 'GET', `/api/v1/sessions/${ctx.sessionId}/layout?version=${version}`, undefined, { 'accept-encoding': 'br' });
  const seats = layoutAnswer.status === 200 ? layoutOf(layoutAnswer) : undefined;
  if (!seats) return 'failed';

  const n = 1 + Math.floor(random() * 4);
  const aimAtFront = random() < 0.5;
  const refused = new Set<string>();
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0 && !(await readAvailability())) return 'failed';
    const index = rowIndexOf(seats, availability!, layoutAnswer.etag);
    if (!index) return 'failed';
    const seatIds = pickAdjacent(index, n, aimAtFront, refused, random);
    if (!seatIds) return attempt === 0 ? 'no-seats-on-map' : 'rejected';
    const key = ctx.retry ? randomUUID() : undefined;
    reserveInDoubt = false;
    let r = await call('POST /reservations', 'POST', '/api/v1/reservations', { sessionId: ctx.sessionId, seatIds }, reserveHeaders(headers, key));
    if (r.status === 403 && !headers && json<{ code?: string }>(r)?.code === 'ADMISSION_REQUIRED') {
      // Booking was at capacity and the room opened: queue, then ask again for the same seats.
      const gaveUp = await queue();
      if (gaveUp) {
        if (reserveInDoubt) ctx.ledger.unknownReserves++;
        return gaveUp;
      }
      r = await call('POST /reservations', 'POST', '/api/v1/reservations', { sessionId: ctx.sessionId, seatIds }, reserveHeaders(headers, key));
    }
    if (r.status === 409) {
      const taken = json<{ unavailableSeats?: string[] }>(r)?.unavailableSeats;
      for (const id of taken?.length ? taken : seatIds) refused.add(id);
      continue;
    }
    if (r.status !== 201) {
      if (reserveInDoubt) ctx.ledger.unknownReserves++;
      return 'failed';
    }
    const reservation = json<{ id: string; expiresAt: string }>(r)!;
    ctx.ledger.lastExpiry = Math.max(ctx.ledger.lastExpiry, Date.parse(reservation.expiresAt));
    await settle(reservation.id, random(), call, ctx.ledger);
    return 'held';
  }
  return 'rejected';
}

type Call = (endpoint: Endpoint, method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<HttpAnswer>;

/** 70% pay, 10% cancel, 20% walk away. */
async function settle(id: string, dice: number, call: Call, ledger: Ledger): Promise<void> {
  if (dice < 0.7) {
    const r = await call('POST /reservations/{id}/confirm', 'POST', `/api/v1/reservations/${id}/confirm`, { paymentToken: 'tok_visa' });
    ledger.holds.set(id, r.status === 200 ? 'confirmed' : 'confirm-failed');
  } else if (dice < 0.8) {
    const r = await call('DELETE /reservations/{id}', 'DELETE', `/api/v1/reservations/${id}`);
    ledger.holds.set(id, r.status === 200 ? 'cancelled' : 'cancel-failed');
  } else {
    ledger.holds.set(id, 'walked-away');
  }
}

/** The admission token, or how the buyer's wait ended without one. */
async function waitForAdmission(patienceMs: number, call: Call, sessionId: string): Promise<string | { result: BuyerResult }> {
  const joined = await call('POST /sessions/{id}/queue', 'POST', `/api/v1/sessions/${sessionId}/queue`);
  const place = json<{ token: string; pollAfterSeconds: number; code?: string }>(joined);
  if (joined.status === 409 && place?.code === 'SOLD_OUT') return { result: 'sold-out' };
  if (joined.status !== 201 || !place) return { result: 'failed' };
  const deadline = performance.now() + patienceMs;
  let pollAfter = place.pollAfterSeconds;
  for (;;) {
    // Ask again when the room says, jittered by ±10% so pollers spread out.
    const wait = pollAfter * 1000 * (0.9 + Math.random() * 0.2);
    if (performance.now() + wait > deadline) return { result: 'queued' };
    await sleep(wait);
    const s = await call('GET /queue/{token}', 'GET', `/api/v1/queue/${encodeURIComponent(place.token)}`);
    const status = json<{ status: string; admissionToken?: string; pollAfterSeconds?: number }>(s);
    if (s.status !== 200 || !status) return { result: 'failed' };
    if (status.status === 'admitted' && status.admissionToken) return status.admissionToken;
    if (status.status === 'soldOut') return { result: 'sold-out' };
    if (status.status !== 'waiting') return { result: 'queued' };
    pollAfter = status.pollAfterSeconds ?? pollAfter;
  }
}
