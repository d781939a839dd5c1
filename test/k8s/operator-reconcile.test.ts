/**
 * The EventSale operator against the real API server and the real catalog of
 * the test stack: its compiled main in a child process on the chart's
 * ServiceAccount token (test/k8s/operator-harness.ts), EventSales applied with
 * kubectl. Applied → the catalog has the venue, hall, event and sessions and the
 * status says OnSale (or Scheduled before onSaleAt) with conditions and
 * observedGeneration; a spec change is reconciled; an invalid spec is refused
 * by the CRD's schema; deleted → the finalizer cancels the catalog event, whose
 * refund run starts, and the object goes away.
 */
import type { SignedIn } from '../../devstack/api-client';
import { EVENTSALE_FINALIZER, type EventSale } from '../../services/operator/crd';
import { eventually } from '../support/eventually';
import { asManifest, kubectl, type KubeServer } from '../support/kube';
import type { Stack } from '../support/stack';
import { applyEventSales, eventSaleObject, readEventSale, startOperator, waitForEventSale, type OperatorProcess } from './operator-harness';
import { operatorTestbed, type OperatorTestbed } from './operator-testbed';

jest.setTimeout(120_000);

describe('the EventSale operator against the real API server and catalog', () => {
  let bed: OperatorTestbed;
  let k: KubeServer;
  let ns = '';
  let stack: Stack;
  let organizer: SignedIn;
  let operator: OperatorProcess;

  beforeAll(async () => {
    bed = await operatorTestbed('operator');
    ({ k, ns, stack, organizer } = bed);
    operator = startOperator({ ...bed.options, identity: 'operator-0' });
    await operator.waitForLog(/^became leader$/);
  });
  afterAll(async () => {
    await operator?.stop('SIGTERM');
    await bed?.close();
  });

  const waitFor = (name: string, jsonpath: string, value: string | number) => waitForEventSale(k, ns, name, jsonpath, value);
  const catalogEvent = (id: string) => stack.api.expect(200, 'GET', `/api/v1/events/${id}`, { token: organizer.token });

  it('refuses an invalid spec through the CRD schema, whatever the operator', async () => {
    const bad = eventSaleObject(ns, 'invalid');
    bad.spec.sessions[0]!.tiers[0]!.price.currency = 'euro';
    (bad.spec.hall.sections[0]!.rows[0] as { seats: number }).seats = 0;
    const r = await kubectl(k, ['apply', '--server-side', '-f', '-'], { input: asManifest([bad]), allowFailure: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/is invalid/);
    expect(r.stderr).toMatch(/spec\.sessions\[0\]\.tiers\[0\]\.price\.currency/);
    expect(r.stderr).toMatch(/spec\.hall\.sections\[0\]\.rows\[0\]\.seats/);
    const none = eventSaleObject(ns, 'invalid');
    none.spec.sessions = [];
    const r2 = await kubectl(k, ['apply', '--server-side', '-f', '-'], { input: asManifest([none]), allowFailure: true });
    expect(r2.stderr).toMatch(/spec\.sessions/);
    expect(await readEventSale(k, ns, 'invalid')).toBeUndefined();
  });

  let gala: EventSale;

  it('puts an applied EventSale on sale: venue, hall, event and sessions in the catalog, status with conditions and observedGeneration', async () => {
    gala = eventSaleObject(ns, 'gala');
    gala.spec.sessions.push({ ...gala.spec.sessions[0]!, startsAt: addDays(gala.spec.sessions[0]!.startsAt, 1), endsAt: addDays(gala.spec.sessions[0]!.endsAt, 1) });
    await applyEventSales(k, gala);
    await waitFor('gala', '.status.phase', 'OnSale');

    const o = (await readEventSale(k, ns, 'gala'))!;
    expect(o.metadata.finalizers).toEqual([EVENTSALE_FINALIZER]);
    expect(o.status!.observedGeneration).toBe(1);
    expect(o.status!.conditions!.map((c) => [c.type, c.status, c.observedGeneration])).toEqual([
      ['Ready', 'True', 1], ['CatalogSynced', 'True', 1], ['HallLayoutSynced', 'True', 1], ['Published', 'True', 1],
    ]);
    const event = await catalogEvent(o.status!.catalog!.eventId!);
    expect(event).toMatchObject({ title: gala.spec.event.title, status: 'published' });
    expect(event.sessions.map((s: { startsAt: string }) => s.startsAt).sort()).toEqual(gala.spec.sessions.map((s) => s.startsAt).sort());
    expect(o.status!.sessions!.map((s) => s.seatsAvailable)).toEqual([12, 12]);
    const venue = await stack.api.expect(200, 'GET', `/api/v1/venues/${o.status!.catalog!.venueId}`, { token: organizer.token });
    expect(venue).toMatchObject({ name: gala.spec.venue.name, halls: [{ id: o.status!.catalog!.hallId, name: 'Small Hall' }] });
  });

  it('keeps an EventSale before its onSaleAt Scheduled, its event a draft', async () => {
    const later = eventSaleObject(ns, 'later', { onSaleAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    await applyEventSales(k, later);
    await waitFor('later', '.status.phase', 'Scheduled');
    const o = (await readEventSale(k, ns, 'later'))!;
    expect(o.status!.conditions!.find((c) => c.type === 'Published')).toMatchObject({ status: 'False', reason: 'WaitingForOnSale' });
    expect(o.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Scheduled' });
    expect((await catalogEvent(o.status!.catalog!.eventId!)).status).toBe('draft');
  });

  it('reconciles a spec change: a new title and a third session', async () => {
    const changed = structuredClone(gala);
    changed.spec.event.title = `${gala.spec.event.title} (extra night)`;
    const last = gala.spec.sessions[1]!;
    changed.spec.sessions.push({ ...last, startsAt: addDays(last.startsAt, 1), endsAt: addDays(last.endsAt, 1) });
    await applyEventSales(k, changed);
    await waitFor('gala', '.status.observedGeneration', 2);
    const o = (await readEventSale(k, ns, 'gala'))!;
    expect(o.status!.phase).toBe('OnSale');
    expect(o.status!.sessions).toHaveLength(3);
    const event = await catalogEvent(o.status!.catalog!.eventId!);
    expect(event.title).toBe(changed.spec.event.title);
    expect(event.sessions).toHaveLength(3);
  });

  it('on delete, cancels the catalog event, whose refunds start, and lets the object go', async () => {
    const o = (await readEventSale(k, ns, 'gala'))!;
    const eventId = o.status!.catalog!.eventId!;
    const sessionId = o.status!.sessions![0]!.sessionId;
    const buyer = await stack.newCustomer();
    const map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    const seatIds = map.seats.slice(0, 2).map((s: { seatId: string }) => s.seatId);
    const held = await stack.api.expect(201, 'POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds } });
    await stack.api.expect(200, 'POST', `/api/v1/reservations/${held.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });

    await kubectl(k, ['delete', 'eventsale', 'gala', '-n', ns, '--wait=false']);
    await kubectl(k, ['wait', '--for=delete', 'eventsale/gala', '-n', ns, '--timeout=60s']);
    expect((await catalogEvent(eventId)).status).toBe('cancelled');
    const refunds = await stack.temporal.workflow.getHandle(`event-cancellation-${eventId}`).describe();
    expect(refunds.type).toBe('EventCancellationWorkflow');
    await eventually(async () => {
      const r = await stack.api.expect(200, 'GET', `/api/v1/reservations/${held.id}`, { token: buyer.token });
      expect(r.status).toBe('refunded');
    }, 60_000, 500);
  });
});

function addDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();
}
