/**
 * One booking's trace (README, Observability): the services run from their
 * real entry points (tracing's instrumentations patch http, pg and ioredis
 * as the process starts, which an in-process stack cannot show), with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a receiver in this test. A hold
 * through the gateway must give spans from the gateway, booking (its HTTP,
 * Redis and Temporal calls), the workflow, the hold activity and the
 * catalog's SQL, all in one trace. (The workflow's own RunWorkflow span ends
 * only with the booking, ten minutes on; its spans for the steps it
 * schedules end with each step.)
 */
import { randomUUID } from 'node:crypto';
import { apiClient, ensureAccount, signIn } from '../../devstack/api-client';
import { serviceEnv } from '../../devstack/dev-env';
import { DEMO_ADMIN, type ServiceName } from '../../contracts/platform';
import { testInfra } from '../infra-env';
import { startChildService, type ChildService } from '../support/child-service';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { freePort, testSecrets } from '../support/stack';

const TRACED: ServiceName[] = ['auth', 'catalog', 'booking', 'worker', 'gateway'];

describe('tracing: one booking, one trace', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const children: ChildService[] = [];
  let gatewayUrl = '';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const secrets = testSecrets();
    const ports = Object.fromEntries(await Promise.all(['auth', 'catalog', 'booking', 'worker', 'gateway', 'payment', 'notification', 'checkin'].map(async (n) => [n, await freePort()]))) as Record<ServiceName, number>;
    const taskQueue = `booking-traced-${randomUUID()}`;
    for (const name of TRACED) {
      const env = serviceEnv(name, testInfra(), secrets, {
        ports,
        logLevel: 'warn',
        extra: {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
          TEMPORAL_TASK_QUEUE: taskQueue,
          TEMPORAL_METRICS_PORT: '0',
          RATE_LIMIT_KEY_PREFIX: `rl-${taskQueue}`,
        },
      });
      // The gateway's readiness asks checkin too, which this test does not run.
      children.push(await startChildService(name, env, { readyTimeoutMs: 60_000, ...(name === 'gateway' ? { probe: '/healthz' } : {}) }));
    }
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  }, 180_000);
  afterAll(async () => {
    for (const c of children.reverse()) await c.stop();
    await receiver?.close();
  });

  it('has spans from the gateway, booking, the workflow, the hold activity and the catalog\'s SQL, with one trace id', async () => {
    const api = apiClient(gatewayUrl);
    const admin = await signIn(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const account = (p: string) => ({ email: `${p}-${randomUUID().slice(0, 8)}@test.example`, password: 'Correct-horse-42', name: p });
    const organizer = await ensureAccount(api, account('organizer'), 'organizer', admin.token);
    const { sessionId, seats } = await smallSession(api, organizer.token);
    const buyer = await ensureAccount(api, account('buyer'));
    const held = await api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [seats[0]!.seatId] } });

    const isHold = (s: ReceivedSpan) => s.service === 'gateway' && String(s.attributes['http.target'] ?? s.attributes['url.path'] ?? '') === '/api/v1/reservations' && s.parentSpanId === '';
    const story = await eventually(async () => {
      const root = receiver.spans.find(isHold);
      expect(root).toBeDefined();
      const trace = receiver.spans.filter((s) => s.traceId === root!.traceId);
      const has = (what: string, p: (s: ReceivedSpan) => boolean) => ({ what, found: trace.some(p) });
      const expected = [
        has('gateway', (s) => s.service === 'gateway'),
        has('booking', (s) => s.service === 'booking' && s.attributes['http.method'] === 'POST'),
        has('the workflow start (Update-with-Start of the hold)', (s) => s.service === 'booking' && s.name === 'UpdateWithStartWorkflow:hold'),
        // Made inside the workflow's sandbox by the bundled interceptor and exported through the worker's sink.
        has('the workflow', (s) => s.service === 'worker' && s.name === 'StartActivity:holdAndRecord'),
        has('the hold activity', (s) => s.service === 'worker' && s.name === 'RunActivity:holdAndRecord'),
        has("the catalog's SQL", (s) => s.service === 'catalog' && s.attributes['db.system'] === 'postgresql'),
        has("booking's Redis", (s) => s.service === 'booking' && s.attributes['db.system'] === 'redis'),
      ];
      expect({ missing: expected.filter((e) => !e.found).map((e) => e.what), names: trace.map((s) => `${s.service} ${s.name}`) }).toMatchObject({ missing: [] });
      return trace;
    }, 30_000, 500);
    // One tree: every span has its parent in the trace, but the steps the workflow scheduled, whose
    // parent is the workflow's own span (RunWorkflow, exported when the booking ends).
    const ids = new Set(story.map((s) => s.spanId));
    const orphans = story.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId));
    expect(orphans.map((s) => `${s.service} ${s.name}`)).toEqual(['worker StartActivity:holdAndRecord']);
    expect(story.filter((s) => s.parentSpanId === '').map((s) => `${s.service} ${s.name}`)).toHaveLength(1);
  });
});
