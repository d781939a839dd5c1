import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { SignedIn } from '../../devstack/api-client';
import { infraUrls, startPostgres, startRedis, stopPostgres, stopRedis, type InfraOptions } from '../../devstack/infra';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { startStack, type Stack } from '../support/stack';
import { testInfra } from '../infra-env';

/**
 * PostgreSQL and Redis of this file's own (ports and data beside the shared
 * test servers, which other test files use meanwhile), stopped and started
 * again under a running stack: while a store is down its routes answer 503
 * problem+json with Retry-After at once, never 500 and never a hang; once
 * it is back they answer again, without any service restarting.
 */
const offset = Number(process.env.TEST_PORT_OFFSET ?? 0);
const stores: InfraOptions = {
  dataDir: path.join(testInfra().dataDir, 'store-outage'),
  pgPort: 15434 + offset,
  redisPort: 16381 + offset,
  // Not started here:
  temporalPort: 0,
  temporalUiPort: null,
  kubeApiPort: 0,
  etcdPort: 0,
  fast: true,
};
/** Redis keeps its data across a restart (append-only file), as the dev stack's does. */
const redisStore: InfraOptions = { ...stores, fast: false };
const quiet = () => undefined;
/** Well above an outage answer (refused at once) and below a hang (a timeout the client would hit). */
const BOUND_MS = 6_000;

describe('a store out of reach', () => {
  let stack: Stack;
  let organizer: SignedIn;
  let customer: SignedIn;
  beforeAll(async () => {
    await Promise.all([startPostgres(stores, quiet), startRedis(redisStore, quiet)]);
    const { databaseUrl, redisUrl } = infraUrls(stores);
    stack = await startStack({ worker: false, infra: { databaseUrl, redisUrl } });
    organizer = await stack.newUserWithRole('organizer');
    customer = await stack.newCustomer('outage');
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await Promise.all([stopPostgres(stores, quiet), stopRedis(redisStore, quiet)]);
  });

  /** One call, with how long it took. */
  const timed = async (method: string, p: string, token?: string) => {
    const started = Date.now();
    const res = await stack.api.call(method, p, { token });
    return { ...res, ms: Date.now() - started };
  };
  const expectOutage = (res: Awaited<ReturnType<typeof timed>>) => {
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.ms).toBeLessThan(BOUND_MS);
  };

  it('PostgreSQL stopped: 503 with Retry-After from every service that needs it, then 200 again once it is back', async () => {
    const reads = [
      ['GET', '/api/v1/events', undefined], // catalog
      ['GET', '/api/v1/reservations', customer.token], // booking
      ['GET', '/api/v1/auth/me', customer.token], // auth
    ] as const;
    for (const [method, p, token] of reads) expect((await timed(method, p, token)).status).toBe(200);

    await stopPostgres(stores, quiet);
    try {
      for (const [method, p, token] of reads) expectOutage(await timed(method, p, token));
      // A write is refused the same way, and leaves nothing behind.
      const login = await stack.api.call('POST', '/api/v1/auth/login', { body: { email: customer.user.email, password: 'Correct-horse-42' } });
      expect(login.status).toBe(503);
    } finally {
      await startPostgres(stores, quiet);
    }
    // The same processes answer again once their pools reconnect.
    for (const [method, p, token] of reads) await eventually(async () => expect((await timed(method, p, token)).status).toBe(200), 15_000, 250);
  }, 90_000);

  it('Redis stopped: the waiting room answers 503 with Retry-After, the seat map is served from PostgreSQL, and both work again once Redis is back', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    await stack.api.expect(200, 'PUT', `/api/v1/sessions/${sessionId}/waiting-room`, { token: organizer.token, body: { enabled: true, admissionsPerMinute: 600 } });
    const join = () => timed('POST', `/api/v1/sessions/${sessionId}/queue`, customer.token);
    expect((await join()).status).toBe(201);

    await stopRedis(redisStore, quiet);
    try {
      expectOutage(await join());
      const map = await timed('GET', `/api/v1/sessions/${sessionId}/seat-map`);
      expect(map.status).toBe(200);
      expect(map.body.seats).toHaveLength(25);
    } finally {
      await startRedis(redisStore, quiet);
    }
    await eventually(async () => expect((await join()).status).toBe(201), 15_000, 250);
  }, 90_000);

  it('a seat change made while Redis was down shows on the seat map once Redis is back with its old data', async () => {
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const seatId = seats[0]!.seatId;
    const mapStatus = async () => ((await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`)).seats as { seatId: string; status: string }[]).find((x) => x.seatId === seatId)!.status;
    expect(await mapStatus()).toBe('available'); // the view is built

    await stopRedis(redisStore, quiet);
    try {
      // The catalog commits a hold its Redis view cannot hear of.
      const hold = await fetch(`${stack.urls.catalog}/internal/sessions/${sessionId}/holds`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-service-token': stack.secrets.serviceToken },
        body: JSON.stringify({ reservationId: randomUUID(), seatIds: [seatId], heldUntil: new Date(Date.now() + 3_600_000).toISOString() }),
      });
      expect(hold.status).toBe(200);
      expect(await mapStatus()).toBe('reserved'); // read from PostgreSQL meanwhile
    } finally {
      await startRedis(redisStore, quiet);
    }
    // Redis is back with the view as it was before the hold. Once the catalog has reconnected (its
    // client retries at most 2 s apart) it reads the view again, which it has brought up to date.
    await new Promise((r) => setTimeout(r, 3_000));
    await eventually(async () => expect(await mapStatus()).toBe('reserved'), 5_000, 250);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 500));
      expect(await mapStatus()).toBe('reserved');
    }
  }, 90_000);
});
