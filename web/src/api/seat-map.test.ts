import { afterEach, describe, expect, it, vi } from 'vitest';
import { packStatuses, toBase64 } from '../../../contracts/availability';
import type { SeatAvailability, SessionLayout } from '../../../contracts/catalog';
import { openSeatMap, type SeatMapModel } from './seat-map';

/**
 * The seat-map model against the API's exact wire formats
 * (services/catalog/seat-map-routes.ts, live-seat-map.ts): fetch is replaced
 * by a fake server that answers the layout and the availability and streams
 * the compact live events the test writes.
 */

const money = (amount: string) => ({ amount, currency: 'EUR' });
const SESSION = '00000000-0000-4000-8000-000000000001';
const layout = (version = 'L1'): SessionLayout => ({
  sessionId: SESSION,
  layoutVersion: version,
  tiers: [
    { name: 'Normal', price: money('45.00') },
    { name: 'VIP', price: money('120.00') },
    { name: 'Floor', price: money('30.00') },
  ],
  sections: [
    { name: 'A', rows: [{ label: 'A', tier: 0, x: 0, y: 0, seatIds: ['a1', 'a2'] }] },
    { name: 'B', rows: [{ label: 'A', tier: 1, x: 0.5, y: 2, seatIds: ['b1'] }] },
  ],
  areas: [{ area: 'Pit', tier: 2, capacity: 100 }],
  seatCount: 3,
  width: 2,
  height: 2,
});
const availability = (codes: number[], o: { version?: string; layoutVersion?: string; pit?: number } = {}): SeatAvailability => ({
  sessionId: SESSION,
  layoutVersion: o.layoutVersion ?? 'L1',
  version: o.version ?? `v-${codes.join('')}-${o.pit ?? 100}`,
  encoding: '2bit-base64',
  seats: toBase64(packStatuses(codes)),
  areas: [{ area: 'Pit', available: o.pit ?? 100, reserved: 0, sold: 100 - (o.pit ?? 100) }],
  counts: { available: codes.filter((c) => c === 0).length, reserved: codes.filter((c) => c === 1).length, sold: codes.filter((c) => c === 2).length },
});

interface Call {
  url: string;
  headers: Record<string, string>;
}

/** A fake of the API's three seat-map routes. */
function fakeApi(o: { current: SeatAvailability; layouts?: SessionLayout[]; missing?: boolean; onLayoutRead?: () => SeatAvailability | void }) {
  const calls: Call[] = [];
  const streams: { push(text: string): void; end(): void }[] = [];
  let current = o.current;
  const layouts = o.layouts ?? [layout()];
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const headers = (init.headers ?? {}) as Record<string, string>;
      calls.push({ url, headers });
      if (o.missing) return json(404, { code: 'NOT_FOUND', detail: 'session not found' });
      const u = new URL(url, 'http://app.test');
      if (u.pathname.endsWith('/availability')) {
        const etag = `"${current.version}"`;
        return headers['if-none-match'] === etag ? new Response(null, { status: 304, headers: { etag } }) : json(200, current, { etag });
      }
      if (u.pathname.endsWith('/layout')) {
        current = o.onLayoutRead?.() ?? current;
        const l = layouts.find((x) => x.layoutVersion === u.searchParams.get('version'));
        return l ? json(200, l, { 'cache-control': 'public, max-age=31536000, immutable' }) : json(404, { code: 'NOT_FOUND', detail: 'layout version' });
      }
      if (u.pathname.endsWith('/seat-map/live')) {
        let push!: (text: string) => void;
        let end!: () => void;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            push = (text) => controller.enqueue(new TextEncoder().encode(text));
            end = () => controller.close();
          },
        });
        streams.push({ push: (t) => push(t), end: () => end() });
        return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
      }
      return json(404, { code: 'NOT_FOUND', detail: url });
    }),
  );
  const stream = () => streams.at(-1)!;
  return {
    calls,
    streams,
    set current(a: SeatAvailability) {
      current = a;
    },
    send: (event: string, data: unknown) => stream().push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    drop: () => stream().end(),
    /** Waits until the model's stream is open (the n-th connection). */
    connected: (n = 1) => vi.waitFor(() => expect(streams.length).toBeGreaterThanOrEqual(n)),
  };
}

const nextChange = (m: SeatMapModel) => new Promise<number[] | 'all' | 'layout'>((done) => { const off = m.subscribe((c) => (off(), done(c))); });
const statuses = (m: SeatMapModel) => m.seats.map((_, i) => m.status(i));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('openSeatMap', () => {
  it('reads the availability, then the layout of its version (cacheable for good), and builds the model: seat order, statuses, tiers by price, areas, positions', async () => {
    const api = fakeApi({ current: availability([0, 2, 0], { pit: 40 }) });
    const m = await openSeatMap(SESSION);
    expect(api.calls.map((c) => c.url)).toEqual([
      `/api/v1/sessions/${SESSION}/availability`,
      `/api/v1/sessions/${SESSION}/layout?version=L1`,
      `/api/v1/sessions/${SESSION}/seat-map/live?format=availability`,
    ]);
    expect(m.seats).toEqual([
      { id: 'a1', section: 'A', row: 'A', number: 1, tier: 'Normal', price: money('45.00') },
      { id: 'a2', section: 'A', row: 'A', number: 2, tier: 'Normal', price: money('45.00') },
      { id: 'b1', section: 'B', row: 'A', number: 1, tier: 'VIP', price: money('120.00') },
    ]);
    expect(statuses(m)).toEqual(['available', 'sold', 'available']);
    expect(m.counts()).toEqual({ available: 2, reserved: 0, sold: 1 });
    // Seated tiers only (the standing area's is in the area), highest price first.
    expect(m.tiers.map((t) => t.name)).toEqual(['VIP', 'Normal']);
    expect(m.areas()).toEqual([{ area: 'Pit', tier: 'Floor', price: money('30.00'), capacity: 100, available: 40, reserved: 0, sold: 60 }]);
    expect(m.indexOf('b1')).toBe(2);
    // The layout's positions: a2 one pitch right of a1, b1 centred under them two rows down.
    expect(m.layout.xs[1]! - m.layout.xs[0]!).toBe(12);
    expect(m.layout.xs[2]).toBeCloseTo((m.layout.xs[0]! + m.layout.xs[1]!) / 2);
    expect(m.layout.ys[2]! - m.layout.ys[0]!).toBe(24);

    m.close();
  });

  it('applies the stream: its first availability, then "changes" deltas by seat index (lapses included) and standing-area counts', async () => {
    const api = fakeApi({ current: availability([0, 2, 0]) });
    const m = await openSeatMap(SESSION);
    await api.connected();

    // A seat was held between the read and the stream's start: the stream's availability says so.
    let changed = nextChange(m);
    api.send('availability', availability([1, 2, 0]));
    expect(await changed).toEqual([0]);
    expect(m.status(0)).toBe('reserved');

    changed = nextChange(m);
    api.send('changes', { changes: [[2, 2], [0, 0]] });
    expect(await changed).toEqual([2, 0]);
    expect(statuses(m)).toEqual(['available', 'sold', 'sold']);

    changed = nextChange(m);
    api.send('changes', { changes: [], areas: [{ area: 'Pit', available: 97, reserved: 3, sold: 0 }] });
    expect(await changed).toBe('all');
    expect(m.areas()[0]).toMatchObject({ area: 'Pit', available: 97, reserved: 3, sold: 0 });
    m.close();
  });

  it('marks seats refused by a hold as taken until the stream says otherwise', async () => {
    const api = fakeApi({ current: availability([0, 2, 0]) });
    const m = await openSeatMap(SESSION);
    await api.connected();
    const changed = nextChange(m);
    m.markTaken(['b1', 'a2', 'unknown']);
    expect(await changed).toEqual([2]);
    expect(m.status(2)).toBe('reserved');
    const later = nextChange(m);
    api.send('changes', { changes: [[2, 0]] });
    await later;
    expect(m.status(2)).toBe('available');
    m.close();
  });

  it('on a dropped stream reads the availability again with If-None-Match: a 304 restores the last whole states, a 200 brings the new ones', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const first = availability([0, 0, 0]);
    const api = fakeApi({ current: first });
    const m = await openSeatMap(SESSION);
    await api.connected();
    // A delta, then the stream breaks and the change it carried is undone meanwhile (a lapse it never sent).
    let changed = nextChange(m);
    api.send('changes', { changes: [[1, 1]] });
    await changed;
    changed = nextChange(m);
    api.drop();
    expect(await changed).toEqual([1]);
    const reread = api.calls.filter((c) => c.url.endsWith('/availability')).at(-1)!;
    expect(reread.headers['if-none-match']).toBe(`"${first.version}"`);
    expect(statuses(m)).toEqual(['available', 'available', 'available']);

    // Dropped again while a seat sold: the re-read is a 200 with it.
    api.current = availability([0, 0, 2]);
    vi.advanceTimersByTime(60_000);
    await api.connected(2);
    changed = nextChange(m);
    api.drop();
    expect(await changed).toEqual([2]);
    expect(m.status(2)).toBe('sold');
    m.close();
  });

  it('says "layout" and stops when the layout changes under it (possible only before any sale); reads again when it changed between the two reads', async () => {
    const api = fakeApi({ current: availability([0, 0, 0], { layoutVersion: 'L1' }), layouts: [layout('L1'), layout('L2')] });
    const m = await openSeatMap(SESSION);
    await api.connected();
    const changed = nextChange(m);
    api.send('availability', availability([0, 0, 0], { layoutVersion: 'L2' }));
    expect(await changed).toBe('layout');
    m.close();

    // The availability names L1, which is gone by the time the layout is read: both are read again.
    const moved = fakeApi({
      current: availability([0, 0, 0], { layoutVersion: 'L1' }),
      layouts: [layout('L2')],
      onLayoutRead: () => availability([0, 2, 0], { layoutVersion: 'L2' }),
    });
    const again = await openSeatMap(SESSION);
    expect(moved.calls.map((c) => c.url.replace(`/api/v1/sessions/${SESSION}/`, ''))).toEqual(['availability', 'layout?version=L1', 'availability', 'layout?version=L2', 'seat-map/live?format=availability']);
    expect(statuses(again)).toEqual(['available', 'sold', 'available']);
    again.close();
  });

  it('fails when the session has no seat map', async () => {
    fakeApi({ current: availability([]), missing: true });
    await expect(openSeatMap('missing')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
