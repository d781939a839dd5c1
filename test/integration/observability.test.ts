/**
 * One booking's story from one id (README, Observability): its request id
 * and reservation id in every service's log lines, the funnel counters as a
 * scripted journey runs, and the dashboard and alert rules checked against
 * the metric names the services really export. The worker runs from its
 * real entry point in a child process: its Temporal Runtime (SDK logs into
 * pino, the SDK's Prometheus exporter) is set up only there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import YAML from 'yaml';
import { ALERTS_FILE, DASHBOARD_FILE, OBSERVABILITY_DIR } from '../../charts/monitoring-chart';
import { startChildService, type ChildService } from '../support/child-service';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { scrape, total, type Sample } from '../support/metrics-text';
import { serviceLog } from '../support/service-logs';
import { freePort, startStack, type Stack } from '../support/stack';

const HOLD_TTL_SECONDS = 12;

describe('observability: one booking from one id', () => {
  let stack: Stack;
  let worker: ChildService;
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-logs-'));

  beforeAll(async () => {
    stack = await startStack({ worker: false, logDir, holdTtlSeconds: HOLD_TTL_SECONDS });
    worker = await startChildService('worker', { ...stack.env('worker'), PORT: String(await freePort()), TEMPORAL_METRICS_PORT: String(await freePort()) });
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  async function holding(buyer: { token: string }, sessionId: string, seatId: string) {
    const res = await stack.api.call('POST', '/api/v1/reservations', { token: buyer.token, body: { sessionId, seatIds: [seatId] } });
    expect(res.status).toBe(201);
    return { reservation: res.body as { id: string; expiresAt: string }, requestId: res.headers.get('x-request-id')! };
  }

  it('a booking through the gateway: its request id in the gateway, booking, worker and catalog lines, its reservation id in every line after the hold', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const buyer = await stack.newCustomer();
    const { reservation, requestId: holdId } = await holding(buyer, sessionId, seats[0]!.seatId);
    const confirm = await stack.api.call('POST', `/api/v1/reservations/${reservation.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
    expect(confirm.status).toBe(200);
    const confirmId = confirm.headers.get('x-request-id')!;
    expect(confirmId).not.toBe(holdId);

    const linesOf = (service: string, requestId: string) => serviceLog(logDir, service).filter((l) => l.requestId === requestId);
    await eventually(async () => {
      for (const service of ['gateway', 'booking', 'worker', 'catalog']) expect({ service, hold: linesOf(service, holdId).length > 0 }).toEqual({ service, hold: true });
      // The confirm's charge and sale: payment hears of it through the worker.
      for (const service of ['gateway', 'booking', 'worker', 'catalog', 'payment']) {
        expect({ service, confirm: linesOf(service, confirmId).length > 0 }).toEqual({ service, confirm: true });
      }
      // The email is the workflow body's last step, so it carries the ids of the request that started the booking.
      expect(linesOf('notification', holdId).length).toBeGreaterThan(0);
    }, 20_000, 250);

    // The worker's line for the hold activity names the workflow it ran for.
    expect(linesOf('worker', holdId)).toEqual(expect.arrayContaining([expect.objectContaining({ activity: 'holdAndRecord', workflowId: `booking-${reservation.id}` })]));
    // The gateway's line for the hold names the reservation booking made (booking's answer says it).
    expect(linesOf('gateway', holdId)).toEqual(expect.arrayContaining([expect.objectContaining({ route: '/api/v1/reservations', status: 201, reservationId: reservation.id })]));
    const story = ['gateway', 'booking', 'worker', 'catalog', 'payment', 'notification', 'auth'].flatMap((service) => [...linesOf(service, holdId), ...linesOf(service, confirmId)].map((l) => ({ service, msg: l.msg, reservationId: l.reservationId })));
    expect(story.length).toBeGreaterThan(10);
    expect(story.filter((l) => l.reservationId !== reservation.id)).toEqual([]);
  });

  it('the worker logs through the same pino format as the services, the Temporal SDK included', () => {
    const lines = serviceLog(logDir, 'worker');
    expect(lines.some((l) => l.component === 'temporal-sdk' && l.service === 'worker' && typeof l.level === 'number')).toBe(true);
  });

  it('the funnel counters move as a scripted journey runs: hold, conflict, decline, confirm, cancel, expiry, queue, check-in', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const [buyer, rival, canceller, walker] = [await stack.newCustomer(), await stack.newCustomer(), await stack.newCustomer(), await stack.newCustomer()];
    const metrics = async () => ({ booking: await scrape(stack.urls.booking), payment: await scrape(stack.urls.payment), checkin: await scrape(stack.urls.checkin) });
    const before = await metrics();
    const moved = (now: { [k: string]: Sample[] }, service: 'booking' | 'payment' | 'checkin', name: string, labels?: Record<string, string>) =>
      total(now[service]!, name, labels) - total(before[service], name, labels);

    const { reservation } = await holding(buyer, sessionId, seats[0]!.seatId);
    const conflict = await stack.api.call('POST', '/api/v1/reservations', { token: rival.token, body: { sessionId, seatIds: [seats[0]!.seatId] } });
    expect(conflict.status).toBe(409);
    const declined = await stack.api.call('POST', `/api/v1/reservations/${reservation.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_declined' } });
    expect(declined.status).toBe(402);
    const confirmed = await stack.api.expect(200, 'POST', `/api/v1/reservations/${reservation.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } });
    const cancelled = await holding(canceller, sessionId, seats[1]!.seatId);
    await stack.api.expect(200, 'DELETE', `/api/v1/reservations/${cancelled.reservation.id}`, { token: canceller.token });
    const lapsing = await holding(walker, sessionId, seats[2]!.seatId);

    // The door admits the confirmed ticket once: the second scan is refused.
    const staff = await stack.newUserWithRole('staff');
    const code = confirmed.tickets[0].code as string;
    await stack.api.expect(200, 'POST', '/api/v1/checkin', { token: staff.token, body: { code } });
    await stack.api.expect(409, 'POST', '/api/v1/checkin', { token: staff.token, body: { code } });

    // A waiting room at 1 a minute lets one buyer in at once; the next one waits a minute (longer than this test's look).
    await stack.api.expect(200, 'PUT', `/api/v1/sessions/${sessionId}/waiting-room`, { token: organizer.token, body: { enabled: true, admissionsPerMinute: 1 } });
    const first = await stack.api.expect(201, 'POST', `/api/v1/sessions/${sessionId}/queue`, { token: rival.token });
    await stack.api.expect(201, 'POST', `/api/v1/sessions/${sessionId}/queue`, { token: walker.token });
    const admission = await stack.api.expect(200, 'GET', `/api/v1/queue/${first.token}`, { token: rival.token });
    expect(admission.status).toBe('admitted');
    const admitted = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: rival.token,
      body: { sessionId, seatIds: [seats[3]!.seatId] },
      headers: { 'x-admission-token': admission.admissionToken },
    });
    await stack.api.expect(200, 'DELETE', `/api/v1/reservations/${admitted.id}`, { token: rival.token });

    const now = await metrics();
    expect({
      holds: moved(now, 'booking', 'booking_holds_total'),
      conflicts: moved(now, 'booking', 'booking_hold_conflicts_total', { code: 'SEAT_UNAVAILABLE' }),
      declined: moved(now, 'booking', 'booking_confirm_attempts_total', { outcome: 'declined' }),
      confirmAnswers: moved(now, 'booking', 'booking_confirm_attempts_total', { outcome: 'confirmed' }),
      confirmed: moved(now, 'booking', 'booking_reservation_outcomes_total', { status: 'confirmed' }),
      cancelled: moved(now, 'booking', 'booking_reservation_outcomes_total', { status: 'cancelled' }),
      confirmErrors: moved(now, 'booking', 'booking_confirm_attempts_total', { outcome: 'error' }),
      holdToPay: moved(now, 'booking', 'booking_hold_to_pay_seconds_count'),
      declinedCharges: moved(now, 'payment', 'payment_intents_total', { status: 'declined' }),
      charges: moved(now, 'payment', 'payment_intents_total', { status: 'succeeded' }),
      joins: moved(now, 'booking', 'waiting_room_joins_total'),
      admissions: moved(now, 'booking', 'waiting_room_admissions_total'),
      queue: total(now.booking, 'waiting_room_queue_length', { session: sessionId }),
      admittedAtDoor: moved(now, 'checkin', 'checkin_scans_total', { result: 'admitted' }),
      refusedAtDoor: moved(now, 'checkin', 'checkin_scans_total', { result: 'already_checked_in' }),
    }).toEqual({
      holds: 4,
      conflicts: 1,
      declined: 1,
      confirmAnswers: 1,
      confirmed: 1,
      cancelled: 2,
      confirmErrors: 0,
      holdToPay: 1,
      declinedCharges: 1,
      charges: 1,
      joins: 2,
      admissions: 1,
      queue: 1,
      admittedAtDoor: 1,
      refusedAtDoor: 1,
    });

    // The walked-away hold lapses in the workflow; the read model records it once.
    await new Promise((r) => setTimeout(r, Date.parse(lapsing.reservation.expiresAt) - Date.now()));
    await eventually(async () => {
      const later = await metrics();
      expect(moved(later, 'booking', 'booking_reservation_outcomes_total', { status: 'expired' })).toBe(1);
    }, 20_000, 500);
    // Emails: the confirmation, the two cancellations and the expiry, each sent (notification's delivery counter; the first test's confirmation too).
    await eventually(async () => {
      expect(total(await scrape(stack.urls.notification), 'notification_delivery_attempts_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(5);
    }, 20_000, 500);
  });

  describe('dashboard and alert rules', () => {
    const promql = (expr: string) => parser.parse(expr.replace(/\$__rate_interval/g, '5m'));
    /** The metric names an expression reads, or its first syntax error. */
    function metricNames(expr: string): { names: string[]; error?: string } {
      const names: string[] = [];
      let error: string | undefined;
      promql(expr).iterate({
        enter(n) {
          if (n.type.isError && error === undefined) error = `syntax error at ${n.from} in ${expr}`;
          if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') names.push(expr.replace(/\$__rate_interval/g, '5m').slice(n.from, n.to));
        },
      });
      return { names, ...(error ? { error } : {}) };
    }
    const dashboard = JSON.parse(fs.readFileSync(path.join(OBSERVABILITY_DIR, DASHBOARD_FILE), 'utf8'));
    const rules = YAML.parse(fs.readFileSync(path.join(OBSERVABILITY_DIR, ALERTS_FILE), 'utf8'));
    const panels: any[] = dashboard.panels.filter((p: any) => p.type !== 'row');
    const dashboardExprs: string[] = panels.flatMap((p) => p.targets.map((t: any) => t.expr));
    const alertRules: any[] = rules.groups.flatMap((g: any) => g.rules);

    it('the dashboard is a well-formed Grafana dashboard: unique ids, panels on the grid without overlap, every query on the datasource variable', () => {
      expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String), schemaVersion: expect.any(Number) });
      const ids = dashboard.panels.map((p: any) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const variable = dashboard.templating.list.find((v: any) => v.type === 'datasource' && v.query === 'prometheus');
      expect(variable).toBeDefined();
      const cells = new Set<string>();
      for (const p of dashboard.panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`)).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
      for (const p of panels) {
        expect(['timeseries', 'stat']).toContain(p.type);
        expect(p.datasource).toEqual({ type: 'prometheus', uid: `\${${variable.name}}` });
        const refIds = p.targets.map((t: any) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
    });

    it('every dashboard query and alert expression parses as PromQL', () => {
      const errors = [...dashboardExprs, ...alertRules.map((r) => r.expr as string)].map((e) => metricNames(e).error).filter(Boolean);
      expect(errors).toEqual([]);
      expect(metricNames('sum(rate(booking_holds_total[5m])').error).toBeDefined();
    });

    it('the alert rules are complete: a name, a duration, a severity and a summary each', () => {
      expect(alertRules.map((r) => r.alert).sort()).toEqual(['HoldToConfirmCollapse', 'TicketingServerErrors', 'WaitingRoomNotAdmitting', 'WorkflowTaskLatencyHigh']);
      for (const r of alertRules) expect(r).toMatchObject({ for: expect.stringMatching(/^\d+[smh]$/), labels: { severity: expect.any(String) }, annotations: { summary: expect.any(String) } });
    });

    it('every metric they read is one a service of the running stack exports (the worker with the Temporal SDK\'s own)', async () => {
      const exported = new Set<string>();
      for (const url of [...Object.entries(stack.urls).filter(([n]) => n !== 'worker' && n !== 'mail-sink').map(([, u]) => u), worker.url]) {
        for (const s of await scrape(url)) exported.add(s.name);
      }
      const read = new Set([...dashboardExprs, ...alertRules.map((r) => r.expr as string)].flatMap((e) => metricNames(e).names));
      expect(read.size).toBeGreaterThan(15);
      expect([...read].filter((name) => !exported.has(name)).sort()).toEqual([]);
    });
  });
});
