/**
 * One chaos scenario: a flash sale (bench/flash-sale's buyers, sale and
 * audit) on the supervised stack, the scenario's fault injected mid-sale,
 * then the wait for the platform to heal and for the holds to lapse, and
 * the full audit.
 */
import Redis from 'ioredis';
import { seatViewReadyKey } from '../../contracts/seat-view';
import { apiClient } from '../../devstack/api-client';
import { sleep } from '../../devstack/infra/processes';
import type { HttpClient } from '../flash-sale/http-client';
import { auditSale, prepareSale, runSale, signInBuyers, waitForHoldsToLapse, type AuditLine, type SaleEnv, type SaleOptions } from '../flash-sale/scenario';
import type { ChaosStack } from './chaos-stack';
import { untilHealthy, type Log } from './faults';
import type { Scenario } from './scenarios';

export interface ChaosSale {
  seats: number;
  buyers: number;
  concurrency: number;
  /** Distinct buyer accounts (reused round-robin). */
  accounts: number;
  seed: number;
  /** Where the buyers' accounts and tokens are kept between scenarios. */
  accountsFile?: string;
  /** A prefix of the buyers' account emails. */
  accountPrefix?: string;
}

export interface ScenarioResult {
  scenario: Scenario;
  buyers: number;
  holds: number;
  sold: number;
  /** 5xx other than a 503 with Retry-After: must be 0. */
  otherServerErrors: number;
  /** 503 with Retry-After (retried by the buyers). */
  unavailable: number;
  /** Requests that never got an answer, after the buyers' retries: timeouts, refused and broken connections. */
  unanswered: number;
  /** From the end of the fault until every replica is ready and the seat view is built again. */
  recoverSeconds: number;
  audit: AuditLine[];
  /** What was seen on the way (the waiting room's queue before and after, the first 5xx...). */
  notes: string[];
}

/** Counts the requests in flight whose path matches, to fire a fault in the middle of them. */
function counting(http: HttpClient, pattern: RegExp) {
  let inFlight = 0;
  const client: HttpClient = {
    async request(method, path, o) {
      const mine = pattern.test(`${method} ${path}`);
      if (mine) inFlight++;
      try {
        return await http.request(method, path, o);
      } finally {
        if (mine) inFlight--;
      }
    },
    close: () => http.close(),
  };
  return { client, inFlight: () => inFlight };
}

export async function runScenario(stack: ChaosStack, env: SaleEnv, scenario: Scenario, c: ChaosSale, log: Log): Promise<ScenarioResult> {
  const notes: string[] = [];
  const o: SaleOptions = {
    seats: c.seats,
    buyers: c.buyers,
    concurrency: c.concurrency,
    seed: c.seed,
    timeoutMs: 60_000,
    patienceSeconds: 60,
    retry: { attempts: 8, maxWaitMs: 5_000 },
    ...(scenario.waitingRoom ? { waitingRoom: { admissionsPerMinute: Math.max(120, Math.round(c.buyers / 2)) } } : {}),
  };
  const sale = await prepareSale(env, o);
  const accounts = await signInBuyers(env, o, { accounts: c.accounts, parallel: 4, cacheFile: c.accountsFile, prefix: c.accountPrefix });
  const confirms = counting(sale.http, /^POST \/api\/v1\/reservations\/[^/]+\/confirm$/);
  sale.http = confirms.client;
  const redis = new Redis(stack.infra.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  const api = apiClient(stack.gatewayUrl);
  const queueLength = async () => {
    const r = await api.call('GET', `/api/v1/sessions/${sale.sessionId}/waiting-room`);
    return r.status === 200 ? (r.body.waiting as number) + (r.body.admitted as number) : NaN;
  };

  let setUp = false;
  try {
    await scenario.setup?.(stack, log);
    setUp = true;
    let saleOver = false;
    const selling = runSale(env, sale, accounts, o).finally(() => (saleOver = true));
    const fault = (async () => {
      // Mid-sale: once a tenth of the seats are held, or while confirms are in flight.
      const due = () => (scenario.trigger === 'confirms' ? confirms.inFlight() >= 2 : sale.ledger.holds.size >= Math.max(3, c.seats / 40));
      while (!due() && !saleOver) await sleep(20);
      if (saleOver) notes.push('the sale ended before the fault was due');
      const queueBefore = scenario.waitingRoom ? await queueLength() : NaN;
      log(`${scenario.title}: ${sale.ledger.holds.size} holds so far, ${confirms.inFlight()} confirms in flight`);
      const over = await scenario.inject(stack, log);
      await untilHealthy(stack);
      // The seat view is built again (by the next seat-map read) after Redis lost it.
      await redis.connect().catch(() => undefined);
      for (let i = 0; i < 600 && !(await redis.exists(seatViewReadyKey(sale.sessionId)).catch(() => 0)); i++) await sleep(100);
      const recovered = (Date.now() - over) / 1000;
      if (scenario.waitingRoom) {
        // Waiting buyers tell the queue their places again as they poll (at most every 10 s).
        await sleep(11_000);
        notes.push(`queue length ${queueBefore} before the fault, ${await queueLength()} after`);
      }
      return recovered;
    })();
    const [run, recoverSeconds] = await Promise.all([selling, fault]);
    setUp = false;
    await scenario.teardown?.(stack, log);
    if (run.crashes.length) notes.push(`${run.crashes.length} buyer crashes, first: ${String(run.crashes[0])}`);
    for (const [endpoint, body] of run.recorder.firstServerErrors) notes.push(`first 5xx or broken connection of ${endpoint}: ${body.slice(0, 160)}`);
    await untilHealthy(stack);
    const waited = await waitForHoldsToLapse(env, sale, 2_000, 180_000);
    log(`holds lapsed (${waited.toFixed(0)}s); auditing`);
    const { lines, totals } = await auditSale({ pool: env.pool, temporal: env.temporal, http: sale.http, sessionId: sale.sessionId, ledger: sale.ledger });
    const f = run.recorder.failures();
    return {
      scenario,
      buyers: c.buyers,
      // Distinct reservations answered 201 (a retried request answers the same one again), the probe hold aside.
      holds: sale.ledger.holds.size - 1,
      sold: totals.seatsSold,
      otherServerErrors: f.serverErrors - run.recorder.unavailableWithRetryAfter,
      unavailable: run.recorder.unavailableWithRetryAfter,
      unanswered: run.recorder.unanswered,
      recoverSeconds,
      audit: lines,
      notes,
    };
  } finally {
    // A scenario that failed half-way still gives the stack back as it found it.
    if (setUp) await scenario.teardown?.(stack, log).catch((err: unknown) => log(`teardown of ${scenario.id} failed: ${String(err)}`));
    redis.disconnect();
    sale.http.close();
  }
}
