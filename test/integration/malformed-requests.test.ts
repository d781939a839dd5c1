import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Pool } from 'pg';
import { request } from 'undici';
import type { SignedIn } from '../../devstack/api-client';
import { ROUTES, type RouteSpec } from '../../services/gateway/routes';
import { testInfra } from '../infra-env';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { malformedRequests, type RawRequest, type RouteFixture } from '../support/malformed-requests';
import { startStack, type Stack } from '../support/stack';

/**
 * Property: no malformed request, to any public route, through the gateway of
 * a real stack, with a token of a role the route admits, gets a 5xx or writes
 * anything; 4xx answers are problem+json; afterwards the system is ready and
 * a normal booking works. The stack has a database of its own, so "writes
 * nothing" is exact: the row count of every table of every service, before
 * and after. Requests that once failed are kept in
 * test/fixtures/fuzz/regressions.json and replayed first.
 */
const RUNS_PER_ROUTE = 45;
const REGRESSIONS = join(__dirname, '../fixtures/fuzz/regressions.json');
const SCHEMAS = ['auth', 'catalog', 'booking', 'payment', 'notification', 'checkin'];
const key = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

describe('malformed requests to every public route (property-based, fast-check)', () => {
  const database = `fuzz_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let admin: Pool;
  let stack: Stack;
  let db: Pool;
  let fixtures: Map<string, RouteFixture>;
  let before: Record<string, number>;
  let sent = 0;

  /** Row counts of every table of every service's schema. */
  async function rowCounts(): Promise<Record<string, number>> {
    const { rows } = await db.query<{ t: string }>(
      `SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname = ANY($1) ORDER BY 1`,
      [SCHEMAS],
    );
    const counts: Record<string, number> = {};
    for (const { t } of rows) counts[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n;
    return counts;
  }
  const outboxesEmpty = async () => {
    for (const schema of ['catalog', 'booking', 'checkin']) expect((await db.query(`SELECT count(*)::int AS n FROM ${schema}.outbox`)).rows[0].n).toBe(0);
  };

  async function send(r: RawRequest): Promise<{ status: number; contentType: string; body: string }> {
    sent += 1;
    const res = await request(`${stack.api.baseUrl}${r.path}`, {
      method: r.method as 'GET',
      headers: r.headers,
      body: r.body,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    // A stream (SSE) that opened is a 200: read none of it.
    const streaming = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
    if (streaming) res.body.on('error', () => undefined).destroy();
    const body = streaming ? '' : await res.body.text();
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body };
  }

  /** What every answer to a malformed request must be. */
  async function check(r: RawRequest): Promise<void> {
    const res = await send(r);
    const what = `${r.method} ${r.path.slice(0, 200)} (${r.defect}) → ${res.status} ${res.body.slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`5xx: ${what}`);
    if (res.status >= 400 && !res.contentType.startsWith('application/problem+json')) throw new Error(`not problem+json: ${what}`);
  }

  beforeAll(async () => {
    admin = new Pool({ connectionString: testInfra().databaseUrl, max: 1 });
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(testInfra().databaseUrl);
    url.pathname = `/${database}`;
    stack = await startStack({ infra: { databaseUrl: url.toString() } });
    db = new Pool({ connectionString: url.toString(), max: 2 });

    // Real objects for every path parameter, so malformed bodies reach the services' own checks.
    const organizer = await stack.newUserWithRole('organizer');
    const staff = await stack.newUserWithRole('staff');
    const customer = await stack.newCustomer();
    const applicant = await stack.newCustomer('applicant');
    const application = await stack.api.expect(201, 'POST', '/api/v1/organizer-applications', {
      token: applicant.token,
      body: { organizationName: 'Fuzz Events', details: 'We run property-based concerts.' },
    });
    const session = await smallSession(stack.api, organizer.token);
    const seatIds = session.seats.slice(0, 2).map((s) => s.seatId);
    const held = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: customer.token, body: { sessionId: session.sessionId, seatIds } });
    const confirmed = await stack.api.expect(200, 'POST', `/api/v1/reservations/${held.id}/confirm`, { token: customer.token, body: { paymentToken: 'tok_visa' } });
    const ticket = confirmed.tickets[0] as { id: string; code: string };
    const tokens: Record<string, SignedIn> = { customer, organizer, staff, admin: stack.admin };
    const tokenFor = (r: RouteSpec) => (r.access === 'public' ? undefined : r.access === 'user' ? customer.token : tokens[r.access[0]!]!.token);
    const startsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const ids: Record<string, Record<string, string>> = {
      '/api/v1/users/': { id: applicant.user.id, role: 'staff' },
      '/api/v1/organizer-applications/': { id: application.id },
      '/api/v1/venues/': { id: session.venueId, hallId: session.hallId },
      '/api/v1/events/': { id: session.eventId },
      '/api/v1/sessions/': { id: session.sessionId },
      '/api/v1/queue/': { token: 'not-a-queue-token' },
      '/api/v1/reservations/': { id: held.id },
      '/api/v1/tickets/': { id: ticket.id, userId: customer.user.id },
    };
    const layout = { name: 'Hall', sections: [{ name: 'Front', rows: [{ label: 'A', seats: 5 }] }] };
    const bodies: Record<string, unknown> = {
      'POST /api/v1/auth/register': { email: 'fuzz@example.com', password: 'Correct-horse-42', name: 'Fuzz' },
      'POST /api/v1/auth/login': { email: 'fuzz@example.com', password: 'Correct-horse-42' },
      'POST /api/v1/auth/refresh': { refreshToken: 'a-refresh-token' },
      'POST /api/v1/auth/logout': { refreshToken: 'a-refresh-token' },
      'POST /api/v1/users/{id}/roles': { role: 'staff' },
      'POST /api/v1/organizer-applications': { organizationName: 'Org', details: 'Details' },
      'POST /api/v1/organizer-applications/{id}/reject': { reason: 'no' },
      'POST /api/v1/venues': { name: 'Venue', city: 'Porto', address: '1 Street' },
      'POST /api/v1/venues/{id}/halls': layout,
      'PUT /api/v1/venues/{id}/halls/{hallId}': layout,
      'POST /api/v1/events': { title: 'Event', description: 'd', category: 'concert' },
      'PATCH /api/v1/events/{id}': { title: 'Renamed' },
      'POST /api/v1/events/{id}/sessions': {
        hallId: session.hallId,
        startsAt,
        endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
        tiers: [{ name: 'T', price: { amount: '10.00', currency: 'EUR' }, sections: ['Front'] }],
      },
      'PUT /api/v1/sessions/{id}/waiting-room': { enabled: true, admissionsPerMinute: 60 },
      'POST /api/v1/reservations': { sessionId: session.sessionId, seatIds: [session.seats[5]!.seatId] },
      'POST /api/v1/reservations/{id}/confirm': { paymentToken: 'tok_visa' },
      'POST /api/v1/checkin': { code: ticket.code, door: 'North' },
    };
    const queries: Record<string, Record<string, string>> = {
      'GET /api/v1/organizer-applications': { status: 'pending', limit: '10' },
      'GET /api/v1/admin/audit-log': { action: 'role.granted', limit: '10' },
      'GET /api/v1/events': { q: 'test', page: '1', pageSize: '10' },
      'GET /api/v1/organizer/events': { status: 'published', page: '1' },
    };
    fixtures = new Map(
      ROUTES.map((r) => {
        const params = Object.entries(ids).find(([prefix]) => r.path.startsWith(prefix))?.[1] ?? {};
        const auditedRead = key(r) === 'GET /api/v1/events/{id}/checkin-kit';
        return [key(r), { params, body: bodies[key(r)], query: queries[key(r)], token: tokenFor(r), auditedRead }];
      }),
    );
    for (const r of ROUTES) if (r.body && !bodies[key(r)]) throw new Error(`no valid body to start from for ${key(r)}`);

    // Everything the set-up started has landed (the confirmation email, audit entries) before counting.
    await eventually(async () => {
      expect((await db.query(`SELECT count(*)::int AS n FROM notification.messages WHERE reservation_id = $1`, [held.id])).rows[0].n).toBe(1);
      await outboxesEmpty();
    }, 20_000);
    before = await rowCounts();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('replays the requests that once failed', async () => {
    const kept = JSON.parse(readFileSync(REGRESSIONS, 'utf8')) as { route: string; request: RawRequest; found: string }[];
    for (const { request: r } of kept) await check({ ...r, headers: withTokens(r.headers) });
  });

  /** A regression case names its caller by role (tokens expire); this puts the token back. */
  function withTokens(headers: Record<string, string>): Record<string, string> {
    const role = headers.authorization?.match(/^Bearer <(\w+)>$/)?.[1];
    if (!role) return headers;
    const route = ROUTES.find((r) => r.access !== 'public' && r.access !== 'user' && r.access.includes(role as never));
    return { ...headers, authorization: `Bearer ${fixtures.get(key(route!))!.token}` };
  }

  it.each(ROUTES.map((r) => [key(r), r] as const))('%s: no 5xx, problem+json refusals', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(malformedRequests(route, fixtures.get(key(route))!), check),
      { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
    );
  });

  it(`sent at least 2,000 malformed requests, wrote nothing, and left the system ready and selling`, async () => {
    expect(sent).toBeGreaterThanOrEqual(2_000);
    await eventually(outboxesEmpty);
    expect(await rowCounts()).toEqual(before);

    for (const url of [stack.api.baseUrl, ...Object.entries(stack.urls).filter(([n]) => n !== 'mail-sink').map(([, u]) => u)]) {
      expect((await request(`${url}/readyz`)).statusCode).toBe(200);
    }
    const organizer = await stack.newUserWithRole('organizer');
    const buyer = await stack.newCustomer();
    const session = await smallSession(stack.api, organizer.token);
    const held = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId: session.sessionId, seatIds: [session.seats[0]!.seatId] } });
    const paid = await stack.api.expect(200, 'POST', `/api/v1/reservations/${held.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
    expect(paid.tickets).toHaveLength(1);
  });
});
