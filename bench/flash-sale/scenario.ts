/**
 * The flash-sale scenario as importable steps, shared by the benchmark
 * (bench/flash-sale/main.ts, against `npm run up`) and its small version in
 * `npm test` (test/integration/flash-sale.test.ts, against startStack()):
 *
 *   prepareSale → signInBuyers → runSale → waitForHoldsToLapse → auditSale
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { SessionLayout } from '../../contracts/catalog';
import { apiClient } from '../../devstack/api-client';
import { type Buyer, prepareBuyers } from './buyer-accounts';
import { type BuyerContext, type BuyerResult, type Ledger, newLedger, runBuyer } from './buyer';
import { createHttpClient, json, type HttpClient } from './http-client';
import { Recorder } from './recorder';
import { createFlashSale, type SaleSession } from './sale-setup';

export { auditSale, type AuditLine, type SaleTotals } from './sale-audit';

export interface SaleEnv {
  gatewayUrl: string;
  /** Signs in to make the organizer an organizer. */
  admin: { email: string; password: string };
  pool: Pool;
  temporal: Client;
  log?: (line: string) => void;
}

export interface SaleOptions {
  seats: number;
  buyers: number;
  concurrency: number;
  seed?: number;
  /** A request without an answer after this long is a timeout. */
  timeoutMs?: number;
  /** Open the session's waiting room at the start of the sale; buyers queue first. */
  waitingRoom?: { admissionsPerMinute: number };
  /** How long a queued buyer waits for admission (the room opened by the organizer, or on overflow). */
  patienceSeconds: number;
  /** No buyer arrives after this many seconds of sale (those in flight finish): a cap on a run's length. */
  maxSeconds?: number;
  /** Buyers retry 503s with Retry-After and refused connections (the chaos benchmark); off by default. */
  retry?: BuyerContext['retry'];
}

export interface PreparedSale extends SaleSession {
  /** The stack's HOLD_TTL, as measured on a probe hold. */
  holdTtlMs: number;
  /** The availability's bytes before the sale (the Express baseline serves the same). */
  availabilityBytes: Buffer;
  http: HttpClient;
  ledger: Ledger;
}

export interface SaleRun {
  recorder: Recorder;
  results: Map<BuyerResult, number>;
  /** Exceptions thrown by buyers (bugs of the benchmark, not answers). */
  crashes: unknown[];
}

/** Creates the session and measures the stack's HOLD_TTL with one probe hold (cancelled at once). */
export async function prepareSale(env: SaleEnv, o: SaleOptions): Promise<PreparedSale> {
  const api = apiClient(env.gatewayUrl);
  const session = await createFlashSale(api, env.admin, o.seats);
  const http = createHttpClient(env.gatewayUrl, { maxSockets: o.concurrency, timeoutMs: o.timeoutMs ?? 60_000 });
  const ledger = newLedger();
  const availability = await http.request('GET', `/api/v1/sessions/${session.sessionId}/availability`);
  const layout = json<SessionLayout>(await http.request('GET', `/api/v1/sessions/${session.sessionId}/layout`));
  const seats = layout?.sections.flatMap((s) => s.rows.flatMap((r) => r.seatIds));
  if (availability.status !== 200 || !seats || seats.length !== o.seats) throw new Error(`layout and availability of the new session: ${availability.status}`);

  // The probe is a reservation like any other: it is in the ledger, so the audit accounts for it.
  const token = session.organizer.token;
  const t0 = Date.now();
  const probe = await http.request('POST', '/api/v1/reservations', { token, body: { sessionId: session.sessionId, seatIds: [seats[seats.length - 1]!] } });
  const held = json<{ id: string; expiresAt: string; createdAt?: string }>(probe);
  if (probe.status !== 201 || !held) throw new Error(`probe hold: ${probe.status} ${probe.raw.toString()}`);
  // A hold ends HOLD_TTL after its workflow started (createdAt).
  const holdTtlMs = Date.parse(held.expiresAt) - (held.createdAt ? Date.parse(held.createdAt) : t0);
  const cancel = await http.request('DELETE', `/api/v1/reservations/${held.id}`, { token });
  ledger.holds.set(held.id, cancel.status === 200 ? 'cancelled' : 'cancel-failed');
  ledger.lastExpiry = Date.parse(held.expiresAt);
  return { ...session, holdTtlMs, availabilityBytes: availability.raw, http, ledger };
}

export interface SignInOptions {
  /** Distinct accounts; buyer i uses account i mod accounts (default: one per buyer). */
  accounts?: number;
  parallel?: number;
  cacheFile?: string;
  prefix?: string;
}

/** The buyers' accounts, signed in (before the clock starts). */
export function signInBuyers(env: SaleEnv, o: SaleOptions, s: SignInOptions = {}): Promise<Buyer[]> {
  return prepareBuyers(apiClient(env.gatewayUrl), {
    count: Math.min(o.buyers, s.accounts ?? o.buyers),
    parallel: s.parallel,
    cacheFile: s.cacheFile,
    prefix: s.prefix,
    log: env.log,
  });
}

/** The sale itself: `buyers` buyers, `concurrency` at a time, on the clock. */
export async function runSale(env: SaleEnv, sale: PreparedSale, accounts: Buyer[], o: SaleOptions): Promise<SaleRun> {
  const recorder = new Recorder();
  const results = new Map<BuyerResult, number>();
  const crashes: unknown[] = [];
  if (o.waitingRoom) {
    const api = apiClient(env.gatewayUrl);
    await api.expect(200, 'PUT', `/api/v1/sessions/${sale.sessionId}/waiting-room`, {
      token: sale.organizer.token,
      body: { enabled: true, admissionsPerMinute: o.waitingRoom.admissionsPerMinute },
    });
  }
  const ctx = {
    http: sale.http,
    recorder,
    sessionId: sale.sessionId,
    ledger: sale.ledger,
    seed: o.seed ?? 1,
    queueFirst: o.waitingRoom !== undefined,
    patienceMs: o.patienceSeconds * 1000,
    retry: o.retry,
  };
  let next = 0;
  let finished = 0;
  const progress = setInterval(() => {
    env.log?.(
      `sale: ${finished}/${o.buyers} buyers done, ${sale.ledger.holds.size} holds, ${recorder.count('POST /reservations')} reservation requests, ${recorder.seconds.toFixed(0)}s`,
    );
  }, 10_000);
  recorder.start();
  try {
    await Promise.all(
      Array.from({ length: Math.min(o.concurrency, o.buyers) }, async () => {
        while (next < o.buyers && !(o.maxSeconds !== undefined && recorder.seconds > o.maxSeconds)) {
          const i = next++;
          let r: BuyerResult;
          try {
            r = await runBuyer(ctx, accounts[i % accounts.length]!, i);
          } catch (err) {
            crashes.push(err);
            r = 'failed';
          }
          results.set(r, (results.get(r) ?? 0) + 1);
          finished++;
        }
      }),
    );
  } finally {
    recorder.stop();
    clearInterval(progress);
  }
  return { recorder, results, crashes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a count query every second until it counts none, or for at most `maxMs`. */
async function untilNone(env: SaleEnv, countSql: string, params: unknown[], maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const { rows } = await env.pool.query<{ n: string }>(countSql, params);
    if (rows[0]!.n === '0' || Date.now() > deadline) return;
    await sleep(1_000);
  }
}

/**
 * Waits until the last hold's expiry plus `marginMs`, then until the booking
 * workflows have recorded every expiry (no reservation still 'active').
 * Returns the seconds waited.
 */
export async function waitForHoldsToLapse(env: SaleEnv, sale: PreparedSale, marginMs = 2_000, maxExtraMs = 120_000): Promise<number> {
  const started = Date.now();
  const until = sale.ledger.lastExpiry + marginMs;
  if (until > Date.now()) {
    env.log?.(`waiting ${((until - Date.now()) / 1000).toFixed(0)}s for the last holds to lapse`);
    await sleep(until - Date.now());
  }
  await untilNone(env, `SELECT count(*) AS n FROM booking.reservations WHERE session_id = $1 AND status = 'active'`, [sale.sessionId], maxExtraMs);
  return (Date.now() - started) / 1000;
}

/**
 * Waits until the sale's emails are sent (none queued), so that the paths
 * measured alone after the sale do not share the cores with the PDF
 * tickets of its last bookings. Returns the seconds waited.
 */
export async function waitForEmailsSent(env: SaleEnv, maxMs = 180_000): Promise<number> {
  const started = Date.now();
  await untilNone(env, `SELECT count(*) AS n FROM notification.messages WHERE status = 'queued'`, [], maxMs);
  return (Date.now() - started) / 1000;
}
