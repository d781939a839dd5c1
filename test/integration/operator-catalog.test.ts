import { randomUUID } from 'node:crypto';
import { ensureAccount } from '../../devstack/api-client';
import { createCatalogHttpApi, type CatalogApi } from '../../services/operator/catalog-api';
import type { EventSaleSpec } from '../../services/operator/crd';
import type { HttpError } from '../../services/shared/errors';
import { MemoryKube, MemoryLeaseStore } from '../support/memory-kube';
import { startOperatorService } from '../../services/operator/service';
import { loadConfig } from '../../services/shared/config';
import { reconcileEventSale } from '../../services/operator/reconcile';
import { startStack, type Stack } from '../support/stack';

/**
 * The operator's reconcile against the real catalog (and auth, for its
 * organizer sign-in), with an in-memory Kubernetes API.
 */
describe('EventSale operator against the real catalog', () => {
  let stack: Stack;
  let catalog: CatalogApi;
  let organizerId: string;
  let organizerToken: string;

  beforeAll(async () => {
    stack = await startStack();
    const account = { email: `operator-${randomUUID().slice(0, 8)}@test.example`, password: 'Operator-pass-42', name: 'EventSale operator' };
    const organizer = await ensureAccount(stack.api, account, 'organizer', stack.admin.token);
    organizerId = organizer.user.id;
    organizerToken = organizer.token;
    // The operator signs in by itself, as in production.
    catalog = createCatalogHttpApi({ catalogUrl: stack.urls.catalog, authUrl: stack.urls.auth, email: account.email, password: account.password });
  });
  afterAll(() => stack.close());

  const startsAt = (days: number, hour: number) => {
    const t = new Date(Date.now() + days * 86_400_000);
    t.setUTCHours(hour, 0, 0, 0);
    return t.toISOString();
  };

  const spec = (): EventSaleSpec => ({
    event: { title: `Operator gala ${randomUUID().slice(0, 6)}`, description: 'Declared in Kubernetes', category: 'theatre' },
    venue: { name: `Stadsschouwburg ${randomUUID().slice(0, 6)}`, city: 'Antwerp', address: 'Theaterplein 1' },
    hall: {
      name: 'Grote zaal',
      sections: [
        { name: 'Parterre', rows: [{ label: 'A', seats: 6 }, { label: 'B', seats: 6 }] },
        { name: 'Balkon', rows: [{ label: 'A', seats: 4 }] },
      ],
    },
    sessions: [
      {
        startsAt: startsAt(20, 19),
        endsAt: startsAt(20, 22),
        tiers: [
          { name: 'Parterre', price: { amount: '45.00', currency: 'EUR' }, sections: ['Parterre'] },
          { name: 'Balkon', price: { amount: '25.00', currency: 'EUR' }, sections: ['Balkon'] },
        ],
      },
    ],
  });

  async function counts() {
    const { rows } = await stack.pool.query(
      `SELECT (SELECT count(*)::int FROM catalog.venues WHERE organizer_id = $1) AS venues,
              (SELECT count(*)::int FROM catalog.halls h JOIN catalog.venues v ON v.id = h.venue_id WHERE v.organizer_id = $1) AS halls,
              (SELECT count(*)::int FROM catalog.events WHERE organizer_id = $1) AS events,
              (SELECT count(*)::int FROM catalog.sessions s JOIN catalog.events e ON e.id = s.event_id WHERE e.organizer_id = $1) AS sessions`,
      [organizerId],
    );
    return rows[0] as { venues: number; halls: number; events: number; sessions: number };
  }

  test('create, hold a seat, reconcile again, change, delete', async () => {
    const kube = new MemoryKube();
    const ref = { namespace: 'shows', name: `gala-${randomUUID().slice(0, 6)}` };
    const deps = { kube, catalog };
    const s = spec();
    kube.create(ref.namespace, ref.name, s);

    await reconcileEventSale(deps, ref);
    let status = kube.peek(ref)!.status!;
    expect(status.phase).toBe('OnSale');
    const { eventId, hallId, venueId } = status.catalog!;

    // The event is public, with the session the spec declared.
    const event = await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`);
    expect(event).toMatchObject({ title: s.event.title, status: 'published' });
    expect(event.sessions).toHaveLength(1);
    const sessionId = event.sessions[0].id;
    expect(event.sessions[0].hallId).toBe(hallId);
    expect(Date.parse(event.sessions[0].startsAt)).toBe(Date.parse(s.sessions[0]!.startsAt));
    const venue = await stack.api.expect(200, 'GET', `/api/v1/venues/${venueId}`, { token: organizerToken });
    expect(venue.halls[0].sections).toEqual(s.hall.sections);

    // The status counts are the seat map's.
    let map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map.seats).toHaveLength(16);
    expect(status.sessions).toEqual([
      { startsAt: event.sessions[0].startsAt, sessionId, seatsAvailable: map.counts.available, seatsReserved: 0, seatsSold: map.counts.sold },
    ]);

    // A buyer holds two seats; the next reconcile reports them and creates nothing.
    const before = await counts();
    const buyer = await stack.newCustomer();
    await stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: buyer.token,
      body: { sessionId, seatIds: map.seats.slice(0, 2).map((x: { seatId: string }) => x.seatId) },
    });
    await reconcileEventSale(deps, ref);
    await reconcileEventSale(deps, ref);
    expect(await counts()).toEqual(before);
    map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    status = kube.peek(ref)!.status!;
    expect(status.sessions![0]).toMatchObject({ seatsAvailable: 14, seatsReserved: 2, seatsSold: 0 });
    expect(status.sessions![0]!.seatsAvailable).toBe(map.counts.available);
    expect(status.sessions![0]!.seatsReserved).toBe(map.counts.reserved);

    // A lost status is found again in the catalog: still nothing new.
    kube.replaceStatus(ref, undefined);
    await reconcileEventSale(deps, ref);
    expect(await counts()).toEqual(before);
    expect(kube.peek(ref)!.status!.catalog).toEqual(status.catalog);

    // A new title is patched; a new layout is refused while seats are held, and said so.
    kube.updateSpec(ref, (x) => {
      x.event.title = `${x.event.title} (revised)`;
      x.hall.sections[1]!.rows.push({ label: 'B', seats: 4 });
    });
    await reconcileEventSale(deps, ref);
    const revised = await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`);
    expect(revised.title).toMatch(/\(revised\)$/);
    status = kube.peek(ref)!.status!;
    expect(status.observedGeneration).toBe(2);
    expect(status.conditions!.find((c) => c.type === 'HallLayoutSynced')).toMatchObject({ status: 'False', reason: 'LayoutLocked' });
    expect(await counts()).toEqual(before);

    // Delete: the finalizer cancels the event in the catalog, then the object goes.
    kube.delete(ref);
    const outcome = await reconcileEventSale(deps, ref).then(
      () => 'done',
      (err: HttpError) => err.code,
    );
    const cancelled = await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`, { token: organizerToken });
    expect(cancelled.status).toBe('cancelled');
    // The cancel stands with its refund run requested (the catalog's outbox delivers it): the finalizer goes.
    expect(outcome).toBe('done');
    expect(kube.peek(ref)).toBeUndefined();
  });

  test('an on-sale time in the future keeps the event a draft until then', async () => {
    const kube = new MemoryKube();
    const ref = { namespace: 'shows', name: `later-${randomUUID().slice(0, 6)}` };
    const s = spec();
    s.sessions[0]!.startsAt = startsAt(40, 19);
    s.sessions[0]!.endsAt = startsAt(40, 22);
    s.onSaleAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    kube.create(ref.namespace, ref.name, s);

    const result = await reconcileEventSale({ kube, catalog }, ref);
    expect(result.requeueAfterMs).toBeGreaterThan(6 * 86_400_000);
    const { eventId } = kube.peek(ref)!.status!.catalog!;
    expect(kube.peek(ref)!.status!.phase).toBe('Scheduled');
    // A draft: invisible to the public, visible to its organizer.
    await stack.api.expect(404, 'GET', `/api/v1/events/${eventId}`);
    expect((await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`, { token: organizerToken })).status).toBe('draft');

    const later = new Date(Date.parse(s.onSaleAt) + 1000);
    await reconcileEventSale({ kube, catalog, now: () => later }, ref);
    expect((await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`)).status).toBe('published');
  });
});

/**
 * The operator service as deployed (leader election, controller, HTTP
 * probes), two replicas against one in-memory Kubernetes API and the real catalog.
 */
describe('two operator replicas', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack.close());

  test('one leads and reconciles; both are ready; the standby takes over when the leader stops', async () => {
    const account = { email: `operator-${randomUUID().slice(0, 8)}@test.example`, password: 'Operator-pass-42', name: 'EventSale operator' };
    await ensureAccount(stack.api, account, 'organizer', stack.admin.token);
    const kube = new MemoryKube();
    const leases = new MemoryLeaseStore();
    const replica = (identity: string) =>
      startOperatorService(
        loadConfig('operator', {
          PORT: '0',
          LOG_LEVEL: 'silent',
          CATALOG_URL: stack.urls.catalog,
          AUTH_URL: stack.urls.auth,
          OPERATOR_EMAIL: account.email,
          OPERATOR_PASSWORD: account.password,
          LEADER_ELECTION_IDENTITY: identity,
          LEADER_ELECTION_LEASE_SECONDS: '2',
          LEADER_ELECTION_RENEW_DEADLINE_SECONDS: '1',
          LEADER_ELECTION_RETRY_SECONDS: '1',
        }),
        { kube: { eventSales: kube, lease: () => leases } },
      );
    const a = await replica('a');
    const b = await replica('b');
    try {
      const ref = { namespace: 'shows', name: 'replicated' };
      const s = {
        event: { title: `Replicated ${randomUUID().slice(0, 6)}`, description: '', category: 'comedy' as const },
        venue: { name: `Club ${randomUUID().slice(0, 6)}`, city: 'Leuven', address: 'Naamsestraat 2' },
        hall: { name: 'Cellar', sections: [{ name: 'Floor', rows: [{ label: 'A', seats: 8 }] }] },
        sessions: [
          {
            startsAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
            endsAt: new Date(Date.now() + 10 * 86_400_000 + 7_200_000).toISOString(),
            tiers: [{ name: 'Seat', price: { amount: '15.00', currency: 'EUR' }, sections: ['Floor'] }],
          },
        ],
      };
      kube.create(ref.namespace, ref.name, s);
      await until(() => kube.peek(ref)?.status?.phase === 'OnSale');
      expect(kube.peek(ref)!.status!.sessions![0]).toMatchObject({ seatsAvailable: 8, seatsSold: 0 });
      const leader = (await leases.get())!.holderIdentity;
      expect(['a', 'b']).toContain(leader);
      for (const r of [a, b]) {
        expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
        await until(async () => (await fetch(`${r.url}/readyz`)).status === 200);
      }
      // Exactly one event: the standby never acted.
      const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM catalog.events WHERE title = $1', [s.event.title]);
      expect(rows[0].n).toBe(1);

      // The leader goes (releasing its lease); the other one picks up the next change.
      const [gone, stays] = leader === 'a' ? [a, b] : [b, a];
      await gone.close();
      kube.updateSpec(ref, (x) => void (x.event.title = `${x.event.title} (moved)`));
      await until(async () => (await leases.get())!.holderIdentity !== leader);
      await until(() => kube.peek(ref)?.status?.observedGeneration === 2);
      const event = await stack.api.expect(200, 'GET', `/api/v1/events/${kube.peek(ref)!.status!.catalog!.eventId}`);
      expect(event.title).toMatch(/\(moved\)$/);
      await stays.close();
    } catch (err) {
      await a.close().catch(() => undefined);
      await b.close().catch(() => undefined);
      throw err;
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
