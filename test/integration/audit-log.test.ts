import { rows } from '../../devstack/api-client';
import { eventually } from '../support/eventually';
import { stackWithFaultyPath, type FaultProxy } from '../support/fault-proxy';
import type { Stack } from '../support/stack';

// The audit log is auth's, and covers what organizers do in every service: each action
// below, taken through the gateway, appears with its actor and subject, even when auth
// was unreachable at the time. (Refunds: event-cancellation.test.ts; check-in kits: checkin.test.ts.)
describe('audit log across services', () => {
  let stack: Stack;
  /** Between the catalog and auth: the path the catalog's audit entries take. */
  let catalogToAuth: FaultProxy;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ stack, path: catalogToAuth, close } = await stackWithFaultyPath('catalog', 'auth'));
  });
  afterAll(() => close());

  const entries = async (action: string, subjectId: string) =>
    (await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?action=${action}&subjectId=${subjectId}`, { token: stack.admin.token })).items as {
      actorId: string | null;
      subjectId: string;
      action: string;
      ip: string | null;
      details: Record<string, unknown>;
    }[];
  /** Waits for the one entry of `action` on `subjectId`, and checks who did it. */
  const expectAudited = (action: string, subjectId: string, actorId: string, details: Record<string, unknown> = {}) =>
    eventually(async () => {
      const found = await entries(action, subjectId);
      expect(found).toEqual([expect.objectContaining({ action, actorId, subjectId, details: expect.objectContaining(details) })]);
      expect(found[0]!.ip).toBeTruthy();
    });

  it("records an organizer's venue, hall, event, session, publication, edits, waiting room and cancellation, by whom", async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const token = organizer.token;
    const by = organizer.user.id;
    const venue = await stack.api.expect(201, 'POST', '/api/v1/venues', { token, body: { name: 'Audit Hall Co', city: 'Lisbon', address: '1 Log Street' } });
    const layout = { name: 'Main', sections: [{ name: 'Floor', rows: rows(2, 5) }] };
    const hall = await stack.api.expect(201, 'POST', `/api/v1/venues/${venue.id}/halls`, { token, body: layout });
    await stack.api.expect(200, 'PUT', `/api/v1/venues/${venue.id}/halls/${hall.id}`, { token, body: { ...layout, name: 'Main Room' } });
    const event = await stack.api.expect(201, 'POST', '/api/v1/events', { token, body: { title: 'Audited night', category: 'concert' } });
    await stack.api.expect(200, 'PATCH', `/api/v1/events/${event.id}`, { token, body: { title: 'Audited night, again' } });
    const startsAt = new Date(Date.now() + 10 * 86_400_000 + Math.floor(Math.random() * 1e9));
    const session = await stack.api.expect(201, 'POST', `/api/v1/events/${event.id}/sessions`, {
      token,
      body: {
        hallId: hall.id,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
        tiers: [{ name: 'All', price: { amount: '10.00', currency: 'EUR' }, sections: ['Floor'] }],
      },
    });
    await stack.api.expect(200, 'POST', `/api/v1/events/${event.id}/publish`, { token });
    // Publishing again changes nothing, and records nothing more.
    await stack.api.expect(200, 'POST', `/api/v1/events/${event.id}/publish`, { token });
    await stack.api.expect(200, 'PUT', `/api/v1/sessions/${session.id}/waiting-room`, { token, body: { enabled: true, admissionsPerMinute: 120 } });
    await stack.api.expect(200, 'POST', `/api/v1/events/${event.id}/cancel`, { token });

    await expectAudited('venue.created', venue.id, by, { name: 'Audit Hall Co' });
    await expectAudited('hall.created', hall.id, by, { venueId: venue.id, seats: 10 });
    await expectAudited('hall.updated', hall.id, by, { name: 'Main Room' });
    await expectAudited('event.created', event.id, by, { title: 'Audited night' });
    await expectAudited('event.updated', event.id, by, { fields: ['title'] });
    await expectAudited('session.created', session.id, by, { eventId: event.id, hallId: hall.id });
    await expectAudited('event.published', event.id, by);
    await expectAudited('waiting_room.changed', session.id, by, { enabled: true, admissionsPerMinute: 120 });
    await expectAudited('event.cancelled', event.id, by);

    // An admin finds everything one organizer did, and each action by its name.
    const mine = await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?actorId=${by}&limit=100`, { token: stack.admin.token });
    expect(new Set(mine.items.map((e: { action: string }) => e.action))).toEqual(
      new Set(['user.registered', 'login.succeeded', 'venue.created', 'hall.created', 'hall.updated', 'event.created', 'event.updated', 'session.created', 'event.published', 'waiting_room.changed', 'event.cancelled']),
    );
    // Not for anyone else to read.
    expect((await stack.api.call('GET', `/api/v1/admin/audit-log?actorId=${by}`, { token })).status).toBe(403);
  });

  it('loses no entry while auth is unreachable: the change is made, its entry arrives once auth is back', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    await catalogToAuth.down();
    const event = await stack.api.expect(201, 'POST', '/api/v1/events', { token: organizer.token, body: { title: 'Made while auth was away', category: 'theatre' } });
    const waiting = async () =>
      (await stack.pool.query(`SELECT attempts FROM catalog.outbox WHERE queue = $1 AND topic = 'audit' AND payload->>'subjectId' = $2`, [stack.taskQueue, event.id]))
        .rows as { attempts: number }[];
    await eventually(async () => expect((await waiting())[0]?.attempts).toBeGreaterThanOrEqual(1));
    expect(await entries('event.created', event.id)).toEqual([]);

    await catalogToAuth.up();
    await expectAudited('event.created', event.id, organizer.user.id, { title: 'Made while auth was away' });
    await eventually(async () => expect(await waiting()).toEqual([]));
  });

  it('records a refused change nowhere', async () => {
    const organizer = await stack.newUserWithRole('organizer');
    const stranger = await stack.newUserWithRole('organizer');
    const event = await stack.api.expect(201, 'POST', '/api/v1/events', { token: organizer.token, body: { title: 'Not yours', category: 'sport' } });
    expect((await stack.api.call('PATCH', `/api/v1/events/${event.id}`, { token: stranger.token, body: { title: 'Mine now' } })).status).toBe(403);
    expect((await stack.api.call('POST', `/api/v1/events/${event.id}/publish`, { token: organizer.token })).status).toBe(409);
    await expectAudited('event.created', event.id, organizer.user.id);
    expect(await entries('event.updated', event.id)).toEqual([]);
    expect(await entries('event.published', event.id)).toEqual([]);
  });
});
