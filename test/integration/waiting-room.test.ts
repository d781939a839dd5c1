import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { SignedIn } from '../../devstack/api-client';
import { signAdmissionToken, verifyAdmissionToken } from '../../services/booking/waiting-room/tokens';
import { smallSession } from '../support/catalog';
import { eventually } from '../support/eventually';
import { seatState } from '../support/organizer';
import { startStack, type Stack } from '../support/stack';
import { testInfra } from '../infra-env';

// Flash-sale waiting rooms through the gateway: queue order, admission rate, admission tokens.
describe('waiting room', () => {
  let stack: Stack;
  let organizer: SignedIn;
  beforeAll(async () => {
    stack = await startStack();
    organizer = await stack.newUserWithRole('organizer');
  });
  afterAll(() => stack.close());

  const room = (sessionId: string, body: unknown, token = organizer.token) =>
    stack.api.call('PUT', `/api/v1/sessions/${sessionId}/waiting-room`, { token, body });
  const open = async (sessionId: string, admissionsPerMinute: number) => {
    const res = await room(sessionId, { enabled: true, admissionsPerMinute });
    expect(res.status).toBe(200);
    return res.body;
  };
  const join = (buyer: SignedIn, sessionId: string) => stack.api.expect(201, 'POST', `/api/v1/sessions/${sessionId}/queue`, { token: buyer.token });
  const status = (buyer: SignedIn, token: string) => stack.api.expect(200, 'GET', `/api/v1/queue/${encodeURIComponent(token)}`, { token: buyer.token });
  const buyers = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => stack.newCustomer(`wr${i}`)));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('lets only the organizer of the event open its room, and validates the settings', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    const other = await stack.newUserWithRole('organizer');
    const customer = await stack.newCustomer();
    expect((await room(sessionId, { enabled: true, admissionsPerMinute: 60 }, other.token)).status).toBe(403);
    expect((await room(sessionId, { enabled: true, admissionsPerMinute: 60 }, customer.token)).status).toBe(403);
    expect((await stack.api.call('PUT', `/api/v1/sessions/${sessionId}/waiting-room`, { body: { enabled: true, admissionsPerMinute: 60 } })).status).toBe(401);
    for (const bad of [{ enabled: true, admissionsPerMinute: 0 }, { enabled: true, admissionsPerMinute: 100_001 }, { enabled: 'yes', admissionsPerMinute: 5 }, { enabled: true }, { enabled: true, admissionsPerMinute: 1.5 }]) {
      const res = await room(sessionId, bad);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await room('not-a-uuid', { enabled: true, admissionsPerMinute: 60 })).status).toBe(400);
    expect((await room(randomUUID(), { enabled: true, admissionsPerMinute: 60 })).status).toBe(404);

    const before = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`);
    expect(before).toMatchObject({ enabled: false, waiting: 0, admitted: 0 });
    // Nobody can queue for a room that is not open.
    expect((await stack.api.call('POST', `/api/v1/sessions/${sessionId}/queue`, { token: customer.token })).status).toBe(409);
    expect((await stack.api.call('POST', `/api/v1/sessions/${randomUUID()}/queue`, { token: customer.token })).status).toBe(404);

    expect(await open(sessionId, 60)).toMatchObject({ sessionId, enabled: true, admissionsPerMinute: 60, initialBurst: 1, waiting: 0, admitted: 0 });
    expect(await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`)).toMatchObject({ enabled: true, admissionsPerMinute: 60 });
    expect((await stack.api.call('GET', `/api/v1/sessions/${randomUUID()}/waiting-room`)).status).toBe(404);
  });

  it('admits in join order exactly, and joining again keeps the place', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    const queue = await buyers(6);
    await open(sessionId, 120); // burst 2, then one every 500 ms
    const places = [];
    for (const b of queue) places.push(await join(b, sessionId));
    expect(places.map((p) => p.position)).toEqual([1, 2, 3, 4, 5, 6]);
    const again = await join(queue[3]!, sessionId);
    expect(again).toMatchObject({ token: places[3].token, position: 4 });

    const seen: number[] = [];
    const deadline = Date.now() + 6_000;
    while (Date.now() < deadline) {
      // Asked last place first: the gate only moves forward, so a later place admitted means every earlier one is.
      const admitted: boolean[] = [];
      for (let i = queue.length - 1; i >= 0; i--) admitted[i] = (await status(queue[i]!, places[i].token)).status === 'admitted';
      const k = admitted.filter(Boolean).length;
      expect(admitted).toEqual(queue.map((_, i) => i < k)); // a prefix of the join order
      if (seen.at(-1) !== k) seen.push(k);
      if (k === queue.length) break;
      await sleep(150);
    }
    expect(seen.at(-1)).toBe(queue.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('admits no faster than the burst plus the rate', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    const queue = await buyers(12);
    const rate = 120; // burst ceil(120/60) = 2
    const before = Date.now();
    await open(sessionId, rate);
    const after = Date.now();
    for (const b of queue) await join(b, sessionId);
    const checks: { admitted: number; min: number; max: number }[] = [];
    while (Date.now() - after < 2_500) {
      const t0 = Date.now();
      const view = await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`);
      const t1 = Date.now();
      expect(view.admitted + view.waiting).toBe(queue.length);
      checks.push({
        admitted: view.admitted,
        min: Math.min(queue.length, 2 + Math.floor(((t0 - after) * rate) / 60_000)),
        max: 2 + Math.floor(((t1 - before) * rate) / 60_000),
      });
      await sleep(200);
    }
    for (const c of checks) {
      expect(c.admitted).toBeLessThanOrEqual(c.max);
      expect(c.admitted).toBeGreaterThanOrEqual(c.min - 1); // margin: nothing but the arithmetic above
    }
    // It did move: 2 at first, about 7 after 2.5 s, never all 12.
    expect(checks[0]!.admitted).toBeLessThanOrEqual(3);
    expect(checks.at(-1)!.admitted).toBeGreaterThanOrEqual(5);
    expect(checks.at(-1)!.admitted).toBeLessThan(queue.length);
  });

  it('requires a valid admission of the caller for that session on POST /reservations', async () => {
    const { sessionId, seats } = await smallSession(stack.api, organizer.token);
    const second = await smallSession(stack.api, organizer.token);
    await open(sessionId, 100_000); // burst 1667: admitted at once
    await open(second.sessionId, 100_000);
    const [alice, bob] = await buyers(2);
    const a = await status(alice!, (await join(alice!, sessionId)).token);
    expect(a.status).toBe('admitted');
    expect(Date.parse(a.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const aliceElsewhere = await status(alice!, (await join(alice!, second.sessionId)).token);
    const bobs = await status(bob!, (await join(bob!, sessionId)).token);

    const reserve = (who: SignedIn, seatIndex: number, admission?: string) =>
      stack.api.call('POST', '/api/v1/reservations', {
        token: who.token,
        body: { sessionId, seatIds: [seats[seatIndex]!.seatId] },
        headers: admission === undefined ? {} : { 'x-admission-token': admission },
      });
    const refused = async (res: Awaited<ReturnType<typeof reserve>>, code: string) => {
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe(code);
    };

    const real = a.admissionToken as string;
    const parsed = verifyAdmissionToken(stack.secrets.waitingRoomKey, real)!;
    expect(parsed).toMatchObject({ userId: alice!.user.id, sessionId });
    const parts = real.split('.');
    const sig = parts[5]!;
    const tamperedSig = [...parts.slice(0, 5), (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)].join('.');
    const tamperedPayload = [...parts.slice(0, 4), String(parsed.expiresAt + 3_600_000), sig].join('.');
    const otherUser = [parts[0], bob!.user.id, ...parts.slice(2)].join('.');
    const expired = signAdmissionToken(stack.secrets.waitingRoomKey, { ...parsed, expiresAt: Date.now() - 1_000 });
    const forgedKey = signAdmissionToken('not-the-key-of-the-service', parsed);

    await refused(await reserve(alice!, 0), 'ADMISSION_REQUIRED');
    await refused(await reserve(alice!, 0, ''), 'ADMISSION_REQUIRED');
    for (const bad of [tamperedSig, tamperedPayload, otherUser, expired, forgedKey, 'garbage', aliceElsewhere.admissionToken]) {
      await refused(await reserve(alice!, 0, bad), 'ADMISSION_INVALID');
    }
    await refused(await reserve(bob!, 0, real), 'ADMISSION_INVALID'); // alice's admission, bob's call
    await refused(await reserve(alice!, 0, bobs.admissionToken), 'ADMISSION_INVALID');

    const ok = await reserve(alice!, 0, real);
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('active');
    // Validation is still the reservation handler's: bad bodies stay 400.
    expect((await stack.api.call('POST', '/api/v1/reservations', { token: alice!.token, body: { sessionId, seatIds: [] }, headers: { 'x-admission-token': real } })).status).toBe(400);

    // A session without an open room needs no admission.
    expect((await room(sessionId, { enabled: false, admissionsPerMinute: 100_000 })).status).toBe(200);
    expect((await reserve(bob!, 1)).status).toBe(201);
  });

  it('tells each waiting buyer when to ask again: within a second near the gate, at most 10 s behind it', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    await open(sessionId, 6); // burst 1, then one every 10 s
    const queue = await buyers(5);
    const places = [];
    for (const b of queue) places.push(await join(b, sessionId));
    // Place 2 is due in ~10 s (ask again in ~5), places 4 and 5 in 30 s and more (ask again in 10, no later).
    expect(places[1].pollAfterSeconds).toBeGreaterThanOrEqual(4);
    expect(places[1].pollAfterSeconds).toBeLessThanOrEqual(5);
    expect(places.slice(3).map((p) => p.pollAfterSeconds)).toEqual([10, 10]);
    const far = await status(queue[4]!, places[4].token);
    expect(far).toMatchObject({ status: 'waiting', position: 5, pollAfterSeconds: 10 });
    expect(far.etaSeconds).toBeGreaterThan(30);
    // Once its turn is a second or two away, place 2 is told to ask again in a second.
    await sleep(Math.max(0, (places[1].etaSeconds - 2) * 1000));
    const near = await status(queue[1]!, places[1].token);
    expect(near.status === 'admitted' || near.pollAfterSeconds === 1).toBe(true);
  });

  it('rebuilds a queue that Redis lost from the places its waiting buyers hold: newcomers queue behind them again', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    await open(sessionId, 6); // burst 1, then one every 10 s
    const queue = await buyers(4);
    const places = [];
    for (const b of queue.slice(0, 3)) places.push(await join(b, sessionId));
    expect(places.map((p) => p.position)).toEqual([1, 2, 3]);

    // Redis loses the queue (as FLUSHALL or a restart without its data would), nothing else.
    const redis = new Redis(testInfra().redisUrl);
    try {
      const keys = await redis.keys(`wr:${sessionId}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys.filter((k) => !k.endsWith(':room')));
    } finally {
      redis.disconnect();
    }
    // The last one waiting asks for its place, as it does every few seconds.
    expect(await status(queue[2]!, places[2].token)).toMatchObject({ status: 'waiting', position: 3 });
    await eventually(async () => expect((await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`)).waiting).toBe(2));
    const newcomer = await join(queue[3]!, sessionId);
    expect(newcomer).toMatchObject({ position: 4 });
    expect(await status(queue[3]!, newcomer.token)).toMatchObject({ status: 'waiting' });
  });

  it('shows a queue place to its holder only', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    await open(sessionId, 60);
    const [alice, bob] = await buyers(2);
    const place = await join(alice!, sessionId);
    expect((await stack.api.call('GET', `/api/v1/queue/${place.token}`, { token: bob!.token })).status).toBe(404);
    expect((await stack.api.call('GET', `/api/v1/queue/${place.token}`)).status).toBe(401);
    const forged = place.token.replace(/\.(\d+)\.([^.]+)$/, '.999.$2');
    expect((await stack.api.call('GET', `/api/v1/queue/${forged}`, { token: alice!.token })).status).toBe(404);
    expect((await stack.api.call('GET', `/api/v1/queue/${place.token}/live`, { token: bob!.token })).status).toBe(404);
    expect(await status(alice!, place.token)).toMatchObject({ status: 'admitted' });
  });

  it('tells everyone in the queue once every place is sold, not while a held place could come back, and lets nobody join', async () => {
    const { sessionId, seats } = await smallSession(stack.api, organizer.token, 1); // 5 seats
    await open(sessionId, 1); // burst 1, then one a minute: the rest wait
    const [first, second, third, late] = await buyers(4);
    const firstPlace = await join(first!, sessionId);
    const secondPlace = await join(second!, sessionId);
    const thirdPlace = await join(third!, sessionId);
    expect(await status(first!, firstPlace.token)).toMatchObject({ status: 'admitted' });

    const seatIds = seats.map((x) => x.seatId);
    const catalog = seatState(stack);
    await catalog.sell(sessionId, seatIds.slice(0, 4));
    const held = await catalog.hold(sessionId, seatIds.slice(4));
    expect(held.ok).toBe(true);
    // Past the 2 s a replica trusts the catalog's answer: one place is only held, and may lapse back.
    await sleep(2_200);
    expect(await status(second!, secondPlace.token)).toMatchObject({ status: 'waiting', position: 2 });
    expect(await status(first!, firstPlace.token)).toMatchObject({ status: 'admitted' });

    await catalog.sellHeld(sessionId, held.reservationId, seatIds.slice(4));
    await eventually(async () => expect(await status(second!, secondPlace.token)).toEqual({ status: 'soldOut' }), 5_000);
    expect(await status(first!, firstPlace.token)).toEqual({ status: 'soldOut' });

    const live = await fetch(`${stack.api.baseUrl}/api/v1/queue/${thirdPlace.token}/live`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${third!.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(await live.text()).toBe('event: soldOut\ndata: {"status":"soldOut"}\n\n'); // and the stream ends

    const refused = await stack.api.call('POST', `/api/v1/sessions/${sessionId}/queue`, { token: late!.token });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('SOLD_OUT');
    expect(await stack.api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/waiting-room`)).toMatchObject({ waiting: 2, admitted: 1 });
  });

  it('streams the place live until the admission, then ends', async () => {
    const { sessionId } = await smallSession(stack.api, organizer.token);
    await open(sessionId, 60); // burst 1, then one a second
    const queue = await buyers(3);
    const places = [];
    for (const b of queue) places.push(await join(b, sessionId));
    const last = places[2];
    const res = await fetch(`${stack.api.baseUrl}/api/v1/queue/${last.token}/live`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${queue[2]!.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // the stream ends by itself once admitted
    const events = text
      .split('\n\n')
      .filter((b) => b.startsWith('event: '))
      .map((b) => ({ event: /^event: (.*)$/m.exec(b)![1], data: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) }));
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(0, -1).every((e) => e.event === 'position' && e.data.position === 3)).toBe(true);
    expect(events[0]!.data.etaSeconds).toBeGreaterThan(0);
    const end = events.at(-1)!;
    expect(end.event).toBe('admitted');
    expect(verifyAdmissionToken(stack.secrets.waitingRoomKey, end.data.admissionToken)).toMatchObject({ userId: queue[2]!.user.id, sessionId });
  });
});
