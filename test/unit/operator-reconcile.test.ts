import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound } from '../../services/shared/errors';
import { createLogger } from '../../services/shared/logger';
import type { CatalogApi, CatalogEvent, CatalogHall, CatalogSession, CatalogVenue } from '../../services/operator/catalog-api';
import { startController } from '../../services/operator/controller';
import { EVENTSALE_FINALIZER, type EventSaleSpec } from '../../services/operator/crd';
import { MemoryKube } from '../support/memory-kube';
import { reconcileEventSale, recordReconcileFailure } from '../../services/operator/reconcile';

/**
 * The reconcile core against an in-memory Kubernetes API and an in-memory
 * catalog that keeps the rules the operator depends on (layout locked by
 * sales, no overlapping sessions, publish needs a session, cancel is final).
 */
class FakeCatalog implements CatalogApi {
  venues = new Map<string, CatalogVenue>();
  events = new Map<string, CatalogEvent>();
  sold = new Map<string, number>();
  writes: string[] = [];

  private hall(hallId: string): CatalogHall {
    for (const v of this.venues.values()) for (const h of v.halls) if (h.id === hallId) return h;
    throw notFound('hall');
  }

  private seatsOf(s: CatalogSession): number {
    const sections = new Set(s.tiers.flatMap((t) => t.sections ?? []));
    return this.hall(s.hallId)
      .sections.filter((x) => sections.has(x.name))
      .reduce((n, x) => n + x.rows.reduce((m, r) => m + r.seats, 0), 0);
  }

  private view(e: CatalogEvent): CatalogEvent {
    return structuredClone({
      ...e,
      sessions: e.sessions.map((s) => {
        const sold = this.sold.get(s.id) ?? 0;
        return { ...s, availability: { available: this.seatsOf(s) - sold, reserved: 0, sold } };
      }),
    });
  }

  async listVenues() {
    return structuredClone([...this.venues.values()]);
  }
  async getVenue(id: string) {
    return structuredClone(this.venues.get(id));
  }
  async createVenue(v: { name: string; city: string; address: string }) {
    this.writes.push('createVenue');
    const venue = { id: randomUUID(), ...v, halls: [] };
    this.venues.set(venue.id, venue);
    return structuredClone(venue);
  }
  async createHall(venueId: string, h: { name: string; sections: CatalogHall['sections'] }) {
    this.writes.push('createHall');
    const hall = { id: randomUUID(), venueId, ...structuredClone(h) };
    this.venues.get(venueId)!.halls.push(hall);
    return structuredClone(hall);
  }
  async replaceHall(venueId: string, hallId: string, h: { name: string; sections: CatalogHall['sections'] }) {
    this.writes.push('replaceHall');
    const inHall = [...this.events.values()].flatMap((e) => e.sessions).filter((s) => s.hallId === hallId);
    if (inHall.some((s) => (this.sold.get(s.id) ?? 0) > 0)) {
      throw conflict('LAYOUT_LOCKED', 'a session in this hall has sold or held seats; its layout can no longer change');
    }
    const hall = this.hall(hallId);
    Object.assign(hall, structuredClone(h), { venueId });
    return structuredClone(hall);
  }
  async listOwnEvents() {
    return [...this.events.values()].filter((e) => e.status !== 'cancelled').map((e) => this.view(e));
  }
  async getEvent(id: string) {
    const e = this.events.get(id);
    return e && this.view(e);
  }
  async createEvent(f: { title: string; description: string; category: string }) {
    this.writes.push('createEvent');
    const e: CatalogEvent = { id: randomUUID(), ...f, status: 'draft', sessions: [] };
    this.events.set(e.id, e);
    return this.view(e);
  }
  async updateEvent(id: string, patch: Partial<CatalogEvent>) {
    this.writes.push(`updateEvent:${Object.keys(patch).sort().join(',')}`);
    const e = this.events.get(id)!;
    if (e.status === 'cancelled') throw conflict('EVENT_CANCELLED', 'the event is cancelled');
    Object.assign(e, patch);
  }
  async createSession(eventId: string, s: EventSaleSpec['sessions'][number] & { hallId: string }) {
    this.writes.push('createSession');
    if (Date.parse(s.endsAt) <= Date.parse(s.startsAt)) throw badRequest('endsAt must be after startsAt');
    const all = [...this.events.values()].flatMap((e) => e.sessions).filter((x) => x.hallId === s.hallId);
    if (all.some((x) => Date.parse(x.startsAt) < Date.parse(s.endsAt) && Date.parse(s.startsAt) < Date.parse(x.endsAt))) {
      throw conflict('SESSION_OVERLAP', 'another session in this hall overlaps that time');
    }
    const session: CatalogSession = {
      id: randomUUID(),
      eventId,
      hallId: s.hallId,
      startsAt: new Date(s.startsAt).toISOString(),
      endsAt: new Date(s.endsAt).toISOString(),
      tiers: structuredClone(s.tiers),
    };
    this.events.get(eventId)!.sessions.push(session);
    return structuredClone(session);
  }
  async publishEvent(id: string) {
    this.writes.push('publishEvent');
    const e = this.events.get(id)!;
    if (e.sessions.length === 0) throw conflict('EVENT_HAS_NO_SESSIONS', 'add a session before publishing');
    if (e.status === 'cancelled') throw conflict('EVENT_CANCELLED', 'the event is cancelled');
    e.status = 'published';
  }
  /** The next calls fail as an unreachable catalog would. */
  down = 0;
  async cancelEvent(id: string) {
    this.writes.push('cancelEvent');
    if (this.down-- > 0) throw new Error('connect ECONNREFUSED catalog');
    this.events.get(id)!.status = 'cancelled';
  }
}

const inDays = (d: number, hour = 19) => {
  const t = new Date(Date.now() + d * 86_400_000);
  t.setUTCHours(hour, 0, 0, 0);
  return t.toISOString();
};

const spec = (): EventSaleSpec => ({
  event: { title: 'Quartet night', description: 'Strings', category: 'concert' },
  venue: { name: 'Old Hall', city: 'Ghent', address: 'Kouter 1' },
  hall: {
    name: 'Main',
    sections: [
      { name: 'Stalls', rows: [{ label: 'A', seats: 10 }, { label: 'B', seats: 12 }] },
      { name: 'Balcony', rows: [{ label: 'A', seats: 5 }] },
    ],
  },
  sessions: [
    {
      startsAt: inDays(30),
      endsAt: inDays(30, 21),
      tiers: [
        { name: 'Front', price: { amount: '80.00', currency: 'EUR' }, sections: ['Stalls'] },
        { name: 'Top', price: { amount: '30.00', currency: 'EUR' }, sections: ['Balcony'] },
      ],
    },
  ],
});

const ref = { namespace: 'shows', name: 'quartet' };
const kubeWrites = (kube: MemoryKube) => kube.calls.filter((c) => c.op === 'patchStatus' || c.op === 'patchFinalizers').length;

function setup(s = spec()) {
  const kube = new MemoryKube();
  const catalog = new FakeCatalog();
  let clock = new Date();
  const deps = { kube, catalog, now: () => clock };
  kube.create(ref.namespace, ref.name, s);
  return { kube, catalog, deps, setClock: (d: Date) => (clock = d), reconcile: () => reconcileEventSale(deps, ref) };
}

describe('EventSale reconcile', () => {
  test('create: venue, hall, event and sessions appear in the catalog, published, and the status says so', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();

    expect(catalog.writes).toEqual(['createVenue', 'createHall', 'createEvent', 'createSession', 'publishEvent']);
    const [event] = [...catalog.events.values()];
    expect(event).toMatchObject({ title: 'Quartet night', status: 'published' });
    const obj = kube.peek(ref)!;
    expect(obj.metadata.finalizers).toEqual([EVENTSALE_FINALIZER]);
    expect(obj.status).toMatchObject({
      phase: 'OnSale',
      observedGeneration: 1,
      catalog: { eventId: event!.id, sessionIds: [event!.sessions[0]!.id] },
    });
    // 10 + 12 stalls and 5 balcony seats, none sold yet.
    expect(obj.status!.sessions).toEqual([
      { startsAt: event!.sessions[0]!.startsAt, sessionId: event!.sessions[0]!.id, seatsAvailable: 27, seatsReserved: 0, seatsSold: 0 },
    ]);
    const conditions = Object.fromEntries(obj.status!.conditions!.map((c) => [c.type, c]));
    expect(conditions.Ready).toMatchObject({ status: 'True', reason: 'OnSale', observedGeneration: 1 });
    expect(conditions.HallLayoutSynced?.status).toBe('True');
    expect(Date.parse(conditions.Ready!.lastTransitionTime)).not.toBeNaN();
  });

  test('a repeat makes no catalog write and no Kubernetes write', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();
    const catalogWrites = catalog.writes.length;
    const writes = kubeWrites(kube);
    const before = kube.peek(ref)!.metadata.resourceVersion;

    await reconcile();
    await reconcile();
    expect(catalog.writes).toHaveLength(catalogWrites);
    expect(kubeWrites(kube)).toBe(writes);
    expect(kube.peek(ref)!.metadata.resourceVersion).toBe(before);
  });

  test('status counts follow sales in the catalog', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();
    const sessionId = kube.peek(ref)!.status!.sessions![0]!.sessionId;
    catalog.sold.set(sessionId, 4);
    await reconcile();
    expect(kube.peek(ref)!.status!.sessions![0]).toMatchObject({ seatsSold: 4, seatsAvailable: 23 });
    expect(catalog.writes).not.toContain('replaceHall');
  });

  test('update: only the changed event fields are patched, a new session is added, the layout replaced', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();
    kube.updateSpec(ref, (s) => {
      s.event.title = 'Quartet night (extra date)';
      s.hall.sections[1]!.rows.push({ label: 'B', seats: 6 });
      s.sessions.push({ ...structuredClone(s.sessions[0]!), startsAt: inDays(31), endsAt: inDays(31, 21) });
    });
    catalog.writes.length = 0;
    await reconcile();

    expect(catalog.writes).toEqual(['replaceHall', 'updateEvent:title', 'createSession']);
    const obj = kube.peek(ref)!;
    expect(obj.status!.observedGeneration).toBe(2);
    expect(obj.status!.sessions!.map((s) => s.seatsAvailable)).toEqual([33, 33]);
    expect(obj.status!.catalog!.sessionIds).toHaveLength(2);
    expect([...catalog.events.values()][0]!.title).toBe('Quartet night (extra date)');
  });

  test('a layout change after sales is reported as LayoutLocked, the rest still syncs', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();
    catalog.sold.set(kube.peek(ref)!.status!.sessions![0]!.sessionId, 1);
    kube.updateSpec(ref, (s) => {
      s.hall.sections[0]!.rows[0]!.seats = 8;
      s.event.description = 'Strings and a piano';
    });
    await reconcile();

    const obj = kube.peek(ref)!;
    const layout = obj.status!.conditions!.find((c) => c.type === 'HallLayoutSynced')!;
    expect(layout).toMatchObject({ status: 'False', reason: 'LayoutLocked', observedGeneration: 2 });
    expect(obj.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'LayoutLocked' });
    expect(obj.status!.phase).toBe('OnSale');
    expect([...catalog.events.values()][0]!.description).toBe('Strings and a piano');
  });

  test('before the on-sale time the event stays a draft and a requeue is asked for that time', async () => {
    const s = spec();
    const onSale = new Date(Date.now() + 3_600_000);
    s.onSaleAt = onSale.toISOString();
    const { kube, catalog, reconcile, setClock } = setup(s);
    const now = new Date();
    setClock(now);

    const first = await reconcile();
    expect(first.requeueAfterMs).toBe(onSale.getTime() - now.getTime());
    expect(catalog.writes).not.toContain('publishEvent');
    expect(kube.peek(ref)!.status).toMatchObject({ phase: 'Scheduled' });
    expect(kube.peek(ref)!.status!.conditions!.find((c) => c.type === 'Published')).toMatchObject({ status: 'False', reason: 'WaitingForOnSale' });

    setClock(new Date(onSale.getTime() + 1));
    const second = await reconcile();
    expect(second.requeueAfterMs).toBeUndefined();
    expect(catalog.writes.filter((w) => w === 'publishEvent')).toHaveLength(1);
    expect(kube.peek(ref)!.status!.phase).toBe('OnSale');
  });

  test('delete: the finalizer cancels the event, then lets the object go', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();
    kube.delete(ref);
    expect(kube.peek(ref)?.metadata.deletionTimestamp).toBeDefined();

    await reconcile();
    expect(catalog.writes.at(-1)).toBe('cancelEvent');
    expect([...catalog.events.values()][0]!.status).toBe('cancelled');
    expect(kube.peek(ref)).toBeUndefined();
  });

  test('a cancel that fails keeps the finalizer, shows Deleting, and is retried', async () => {
    const { kube, catalog, deps, reconcile } = setup();
    await reconcile();
    kube.delete(ref);
    catalog.down = 1;
    const err = await reconcile().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await recordReconcileFailure(deps, ref, err);
    const held = kube.peek(ref)!;
    expect(held.metadata.finalizers).toEqual([EVENTSALE_FINALIZER]);
    expect(held.status!.phase).toBe('Deleting');
    expect(held.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ReconcileFailed', message: 'connect ECONNREFUSED catalog' });

    await reconcile();
    expect(catalog.writes.filter((w) => w === 'cancelEvent')).toHaveLength(2);
    expect(kube.peek(ref)).toBeUndefined();
  });

  test('a failure is written once per generation: the same failure after a spec change is reported for the new one', async () => {
    const { kube, deps } = setup();
    const failure = new Error('connect ECONNREFUSED catalog');
    await recordReconcileFailure(deps, ref, failure);
    await recordReconcileFailure(deps, ref, failure);
    expect(kube.calls.filter((c) => c.op === 'patchStatus')).toHaveLength(1);
    kube.updateSpec(ref, (s) => (s.event.title = 'Renamed'));
    await recordReconcileFailure(deps, ref, failure);
    expect(kube.calls.filter((c) => c.op === 'patchStatus')).toHaveLength(2);
    expect(kube.peek(ref)!.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'ReconcileFailed', observedGeneration: 2 });
  });

  test('a 409 on the status patch is retried with a fresh read, and succeeds', async () => {
    const { kube, catalog, reconcile } = setup();
    kube.fail('patchStatus', 409);
    await reconcile();

    const statusPatches = kube.calls.filter((c) => c.op === 'patchStatus');
    expect(statusPatches).toHaveLength(2);
    expect(kube.calls.filter((c) => c.op === 'get')).toHaveLength(2);
    expect(kube.peek(ref)!.status!.phase).toBe('OnSale');
    // The second pass found everything the first created.
    expect(catalog.writes.filter((w) => w.startsWith('create'))).toHaveLength(4);
  });

  test('a 409 on the finalizer patch is retried too', async () => {
    const { kube, reconcile } = setup();
    kube.fail('patchFinalizers', 409);
    await reconcile();
    expect(kube.peek(ref)!.metadata.finalizers).toEqual([EVENTSALE_FINALIZER]);
  });

  test('a lost status is rebuilt from the catalog without creating anything again', async () => {
    const { kube, catalog, reconcile } = setup();
    await reconcile();
    const ids = kube.peek(ref)!.status!.catalog;
    kube.replaceStatus(ref, undefined);
    catalog.writes.length = 0;

    await reconcile();
    expect(catalog.writes).toEqual([]);
    expect(kube.peek(ref)!.status!.catalog).toEqual(ids);
  });

  test('a session the catalog refuses is reported; the others are created', async () => {
    const s = spec();
    s.sessions.push({ ...structuredClone(s.sessions[0]!), startsAt: inDays(30, 20), endsAt: inDays(30, 22) });
    const { kube, catalog, reconcile } = setup(s);
    await reconcile();
    const synced = kube.peek(ref)!.status!.conditions!.find((c) => c.type === 'CatalogSynced')!;
    expect(synced).toMatchObject({ status: 'False', reason: 'SessionRejected' });
    expect(synced.message).toContain('overlaps');
    expect([...catalog.events.values()][0]!.sessions).toHaveLength(1);
  });
});

describe('EventSale controller', () => {
  const logger = createLogger('operator-test', 'silent');

  test('reconciles what the watch announces, and retries a failure with backoff', async () => {
    const kube = new MemoryKube();
    const catalog = new FakeCatalog();
    const attempts: number[] = [];
    let failuresLeft = 2;
    const controller = startController({
      kube,
      logger,
      resyncMs: 60_000,
      backoffBaseMs: 50,
      reconcile: async (r) => {
        attempts.push(Date.now());
        if (failuresLeft-- > 0) throw new Error('catalog unavailable');
        return reconcileEventSale({ kube, catalog }, r);
      },
    });
    await waitFor(() => controller.watching);
    kube.create(ref.namespace, ref.name, spec());
    await waitFor(() => kube.peek(ref)?.status?.phase === 'OnSale');
    await controller.stop();

    // Two failures: waits of 50 ms, then 100 ms.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(45);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(95);
  });

  test('a status-only change does not trigger a reconcile; a spec change does', async () => {
    const kube = new MemoryKube();
    const catalog = new FakeCatalog();
    let runs = 0;
    const controller = startController({
      kube,
      logger,
      resyncMs: 60_000,
      reconcile: async (r) => {
        runs++;
        return reconcileEventSale({ kube, catalog }, r);
      },
    });
    kube.create(ref.namespace, ref.name, spec());
    await waitFor(() => kube.peek(ref)?.status?.phase === 'OnSale');
    const settled = runs;
    await new Promise((r) => setTimeout(r, 100));
    // The operator's own finalizer and status writes came back as watch events: none reconciled again.
    expect(runs).toBe(settled);

    kube.updateSpec(ref, (s) => void (s.event.title = 'Renamed'));
    await waitFor(() => [...catalog.events.values()][0]?.title === 'Renamed');
    await controller.stop();
  });

  test('a watch ended by the server (410 Gone) is replaced by a new list and watch', async () => {
    const kube = new MemoryKube();
    const catalog = new FakeCatalog();
    const controller = startController({
      kube,
      logger,
      resyncMs: 60_000,
      rewatchDelayMs: 10,
      reconcile: (r) => reconcileEventSale({ kube, catalog }, r),
    });
    await waitFor(() => controller.watching);
    const lists = kube.calls.filter((c) => c.op === 'list').length;
    const { KubeApiError } = await import('../../services/operator/kube-api');
    kube.endWatches(new KubeApiError(410, 'too old resource version'));
    await waitFor(() => controller.watching && kube.calls.filter((c) => c.op === 'list').length === lists + 1);
    kube.create(ref.namespace, ref.name, spec());
    await waitFor(() => kube.peek(ref)?.status?.phase === 'OnSale');
    await controller.stop();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
