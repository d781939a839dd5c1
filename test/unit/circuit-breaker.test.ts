import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from '../../services/shared/errors';
import { createServiceClient } from '../../services/shared/service-client';
import type { BreakerState } from '../../services/shared/circuit-breaker';

/**
 * An upstream this test controls: it answers `mode`, counts the requests that
 * reached it, and can be stopped and started again on the same port.
 */
async function upstream() {
  const u = {
    mode: 'ok' as 'ok' | 'fail' | 'not-found' | 'silent',
    hits: 0,
    port: 0,
    server: undefined as http.Server | undefined,
    async start() {
      const server = http.createServer((req, res) => {
        u.hits++;
        if (u.mode === 'silent') return; // never answers
        const [status, body] =
          u.mode === 'ok' ? [200, { ok: true }] : u.mode === 'fail' ? [500, { status: 500, code: 'INTERNAL', detail: 'boom' }] : [404, { status: 404, code: 'NOT_FOUND', detail: 'no such thing' }];
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      await new Promise<void>((r) => server.listen(u.port, '127.0.0.1', r));
      u.port = (server.address() as AddressInfo).port;
      u.server = server;
    },
    async stop() {
      u.server?.closeAllConnections();
      await new Promise((r) => u.server?.close(r));
    },
  };
  await u.start();
  return u;
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof HttpError ? `${e.status} ${e.code}` : ((e as { code?: string }).code ?? (e as Error).name)),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit breaker of the service client', () => {
  let u: Awaited<ReturnType<typeof upstream>>;
  let states: BreakerState[];
  const client = (halfOpenAfterMs = 300) =>
    createServiceClient(`http://127.0.0.1:${u.port}`, 'service-token-for-tests', { failures: 3, halfOpenAfterMs, onStateChange: (_name, s) => states.push(s) });
  beforeEach(async () => {
    u = await upstream();
    states = [];
  });
  afterEach(() => u.stop());

  it('opens after repeated 5xx, then fails fast with 503 and Retry-After without reaching the upstream', async () => {
    const c = client(5_000);
    u.mode = 'fail';
    for (let i = 0; i < 3; i++) expect(await outcome(c.request('GET', '/x'))).toBe('500 INTERNAL');
    expect(c.breakerState()).toBe('open');
    expect(u.hits).toBe(3);

    u.mode = 'ok';
    const refused = await c.request('GET', '/x').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    expect((refused as HttpError).extra.retryAfter).toBeGreaterThanOrEqual(1);
    expect((refused as HttpError).extra.retryAfter).toBeLessThanOrEqual(5);
    expect(u.hits).toBe(3); // failed fast: never sent
    expect(states).toEqual(['open']);
  });

  it('probes once when half-open: a success closes the circuit, an outage opens it again', async () => {
    const c = client();
    u.mode = 'fail';
    for (let i = 0; i < 3; i++) await outcome(c.request('GET', '/x'));
    expect(c.breakerState()).toBe('open');

    await sleep(350);
    expect(await outcome(c.request('GET', '/x'))).toBe('500 INTERNAL'); // the probe, which fails
    expect(u.hits).toBe(4);
    expect(c.breakerState()).toBe('open');
    expect(await outcome(c.request('GET', '/x'))).toBe('503 UPSTREAM_UNAVAILABLE');
    expect(u.hits).toBe(4);

    u.mode = 'ok';
    await sleep(350);
    expect(await outcome(c.request('GET', '/x'))).toBe('ok');
    expect(c.breakerState()).toBe('closed');
    expect(await outcome(c.request('GET', '/x'))).toBe('ok');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('counts a refused connection and a timeout as outages', async () => {
    const c = client();
    await u.stop();
    expect(await outcome(c.request('GET', '/x'))).toBe('ECONNREFUSED');
    expect(await outcome(c.request('GET', '/x'))).toBe('ECONNREFUSED');
    await u.start(); // same port, never answering
    u.mode = 'silent';
    expect(await outcome(c.request('GET', '/x', undefined, { timeoutMs: 100 }))).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(c.breakerState()).toBe('open');
    expect(await outcome(c.request('GET', '/x'))).toBe('503 UPSTREAM_UNAVAILABLE');

    // The upstream is back: the next probe closes the circuit.
    u.mode = 'ok';
    await sleep(350);
    expect(await outcome(c.request('GET', '/x'))).toBe('ok');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('never opens on 4xx answers, and a 4xx between outages resets their count', async () => {
    const c = client();
    u.mode = 'not-found';
    for (let i = 0; i < 10; i++) expect(await outcome(c.request('GET', '/x'))).toBe('404 NOT_FOUND');
    expect(c.breakerState()).toBe('closed');

    for (const mode of ['fail', 'fail', 'not-found', 'fail', 'fail'] as const) {
      u.mode = mode;
      await outcome(c.request('GET', '/x'));
    }
    expect(c.breakerState()).toBe('closed');
    expect(states).toEqual([]);
  });
});
