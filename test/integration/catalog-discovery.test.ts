import { randomUUID } from 'node:crypto';
import { smallSession } from '../support/catalog';
import { inDays, organizerKit, seatState } from '../support/organizer';
import { startStack, type Stack } from '../support/stack';

// Finding events, through the gateway. Other test files share the database, so
// every listing here is narrowed to events carrying this test's own tag.
describe('catalog: discovery', () => {
  let stack: Stack;
  let kit: ReturnType<typeof organizerKit>;
  let organizerToken: string;
  beforeAll(async () => {
    stack = await startStack({ worker: false });
    organizerToken = (await stack.newUserWithRole('organizer')).token;
    kit = organizerKit(stack.api, organizerToken);
  });
  afterAll(() => stack.close());

  const newTag = () => `t${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const list = (query: Record<string, string | number>) =>
    stack.api.expect(200, 'GET', `/api/v1/events?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`);
  const ids = (page: { items: { id: string }[] }) => page.items.map((e) => e.id);

  it('pages in a total order (first upcoming session, then id) that events inserted later do not disturb', async () => {
    const tag = newTag();
    const base = 40 + Math.floor(Math.random() * 100);
    const at = Date.now();
    const t = (d: number) => inDays(base + d, 0, at);
    // Two events share a first start: the id decides between them.
    const events = [
      await kit.published(`${tag} one`, [t(1), t(9)]),
      await kit.published(`${tag} two`, [t(2)]),
      await kit.published(`${tag} twin a`, [t(3)]),
      await kit.published(`${tag} twin b`, [t(3)]),
      await kit.published(`${tag} five`, [t(5)]),
      await kit.published(`${tag} six`, [t(6)]),
      await kit.published(`${tag} seven`, [t(7)]),
    ];
    // An event whose sessions are all over sorts last.
    const over = await kit.published(`${tag} over`, [t(4)]);
    await stack.pool.query(`UPDATE catalog.sessions SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE event_id = $1`, [over]);
    await kit.draft(`${tag} draft`);

    const twins = [events[2]!, events[3]!].sort();
    const expected = [events[0], events[1], ...twins, events[4], events[5], events[6], over];
    const pages = async (n: number) => {
      const got = [];
      for (let page = 1; page <= n; page++) got.push(await list({ q: tag, page, pageSize: 3 }));
      return got;
    };
    const before = await pages(3);
    expect(before.map((p) => p.total)).toEqual([8, 8, 8]);
    expect(before.flatMap(ids)).toEqual(expected);
    expect(before[0]).toMatchObject({ page: 1, pageSize: 3 });

    // New events that sort after everything listed (later sessions), then the first two pages again.
    const later = [await kit.published(`${tag} later a`, [t(20)]), await kit.published(`${tag} later b`, [t(21)])];
    const after = await pages(4);
    expect(after.slice(0, 2).map(ids)).toEqual(before.slice(0, 2).map(ids));
    const all = after.flatMap(ids);
    expect(all).toEqual([...expected.slice(0, -1), ...later, over]);
    expect(new Set(all).size).toBe(all.length);
    expect(after[0]!.total).toBe(10);
    // Past the end: no items, the total still told.
    expect(await list({ q: tag, page: 9, pageSize: 3 })).toMatchObject({ items: [], total: 10 });
  });

  it('searches title and description case-insensitively, with % and _ taken literally', async () => {
    const tag = newTag();
    const jazz = await kit.published(`${tag} Jazz Night`, [inDays(11)], 'concert', 'smooth');
    const percent = await kit.published(`${tag} Sale`, [inDays(12)], 'comedy', `${tag}_100% fun`);
    const lookalike = await kit.published(`${tag} Lookalike`, [inDays(13)], 'comedy', `${tag}x100y fun`);

    expect(ids(await list({ q: `${tag} JAZZ` }))).toEqual([jazz]);
    expect(ids(await list({ q: tag.toUpperCase() }))).toEqual([jazz, percent, lookalike]);
    expect(ids(await list({ q: `${tag}_100%` }))).toEqual([percent]);
    expect(ids(await list({ q: `${tag}x100` }))).toEqual([lookalike]);
    expect(ids(await list({ q: `${tag} fun` }))).toEqual([]);
    // Blank q is no filter at all; the category narrows.
    expect(ids(await list({ q: tag, category: 'comedy' }))).toEqual([percent, lookalike]);
    expect(ids(await list({ q: tag, category: 'sport' }))).toEqual([]);
  });

  it('filters by session start: one session must fall inside the range', async () => {
    const tag = newTag();
    const base = 200 + Math.floor(Math.random() * 100);
    const at = Date.now();
    const d = (n: number) => inDays(base + n, 0, at);
    const early = await kit.published(`${tag} early`, [d(10)]);
    const middle = await kit.published(`${tag} middle`, [d(20)]);
    const split = await kit.published(`${tag} split`, [d(30), d(40)]);
    const range = (from?: Date, to?: Date) =>
      list({ q: tag, ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) }).then(ids);

    expect(await range(d(15), d(25))).toEqual([middle]);
    expect(await range(undefined, d(12))).toEqual([early]);
    expect(await range(d(35))).toEqual([split]);
    expect(await range(d(20), d(20))).toEqual([middle]);
    // Sessions before and after the range, none in it.
    expect(await range(d(32), d(38))).toEqual([]);
    expect(await range(d(5), d(45))).toEqual([early, middle, split]);
  });

  it('validates the query (400)', async () => {
    for (const query of ['page=0', 'pageSize=101', 'page=x', 'category=opera', 'from=tomorrow', 'sort=date', 'q=' + 'x'.repeat(201),
      `from=${inDays(2).toISOString()}&to=${inDays(1).toISOString()}`]) {
      const res = await stack.api.call('GET', `/api/v1/events?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
  });

  it("the event page counts each session's seats as the seat map does (a lapsed hold is available)", async () => {
    const { eventId, sessionId, seats } = await smallSession(stack.api, organizerToken);
    const seat = seatState(stack);
    expect((await seat.hold(sessionId, [seats[0]!.seatId, seats[1]!.seatId])).ok).toBe(true);
    expect((await seat.hold(sessionId, [seats[2]!.seatId], new Date(Date.now() - 1_000))).ok).toBe(true);
    await seat.sell(sessionId, [seats[3]!.seatId]);

    const event = await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`);
    const map = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
    expect(map.counts).toEqual({ available: 22, reserved: 2, sold: 1 });
    expect(event.sessions).toHaveLength(1);
    expect(event.sessions[0]).toMatchObject({ id: sessionId, availability: map.counts });
    // The listing carries the sessions without counts (it is the hot read).
    const listed = await list({ q: event.title });
    expect(listed.items[0].sessions[0].availability).toBeUndefined();
  });

  it("hides drafts from everyone but their organizer", async () => {
    const eventId = await kit.draft();
    expect((await stack.api.call('GET', `/api/v1/events/${eventId}`)).status).toBe(404);
    const stranger = await stack.newUserWithRole('organizer');
    expect((await stack.api.call('GET', `/api/v1/events/${eventId}`, { token: stranger.token })).status).toBe(404);
    expect((await stack.api.expect(200, 'GET', `/api/v1/events/${eventId}`, { token: organizerToken })).status).toBe('draft');
    expect((await stack.api.call('GET', `/api/v1/events/${randomUUID()}`)).status).toBe(404);
  });
});
