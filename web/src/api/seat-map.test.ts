import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSeatMap } from './seat-map';

/**
 * The seat-map model against the live stream's exact wire format
 * (services/catalog/live-seat-map.ts): fetch is replaced by a stream the
 * test writes Server-Sent Events into.
 */

const money = (amount: string) => ({ amount, currency: 'EUR' });
const seat = (seatId: string, section: string, row: string, number: number, tier: string, price: string, status = 'available', version = 1) => ({
  seatId,
  section,
  row,
  number,
  tier,
  price: money(price),
  status,
  version,
});
const snapshot = {
  sessionId: 's1',
  counts: { available: 2, reserved: 0, sold: 1 },
  areas: [],
  seats: [seat('a1', 'A', 'A', 1, 'Normal', '45.00'), seat('a2', 'A', 'A', 2, 'Normal', '45.00', 'sold', 3), seat('b1', 'B', 'A', 1, 'VIP', '120.00')],
};

function fakeStream(status = 200) {
  let push!: (text: string) => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(new TextEncoder().encode(text));
    },
  });
  vi.stubGlobal('fetch', vi.fn(async () => (status === 200 ? new Response(body, { status, headers: { 'content-type': 'text/event-stream' } }) : new Response(JSON.stringify({ code: 'NOT_FOUND', detail: 'session not found' }), { status }))));
  return { send: (event: string, data: unknown) => push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`) };
}

const nextChange = (m: Awaited<ReturnType<typeof openSeatMap>>) => new Promise<number[] | 'all'>((done) => { const off = m.subscribe((c) => (off(), done(c))); });

afterEach(() => vi.unstubAllGlobals());

describe('openSeatMap', () => {
  it('builds the model from the snapshot: stable seat order, statuses, counts, tiers by price, positions', async () => {
    const s = fakeStream();
    const opening = openSeatMap('s1');
    s.send('snapshot', snapshot);
    const m = await opening;
    expect(m.seats.map((x) => x.id)).toEqual(['a1', 'a2', 'b1']);
    expect([0, 1, 2].map(m.status)).toEqual(['available', 'sold', 'available']);
    expect(m.counts()).toEqual({ available: 2, reserved: 0, sold: 1 });
    expect(m.tiers.map((t) => t.name)).toEqual(['VIP', 'Normal']);
    expect(m.indexOf('b1')).toBe(2);
    expect(m.layout.xs[1]).toBeGreaterThan(m.layout.xs[0]!);
    m.close();
  });

  it('applies "seats" changes newer than what it knows, lapses included, and names the seats that changed', async () => {
    const s = fakeStream();
    const opening = openSeatMap('s1');
    s.send('snapshot', snapshot);
    const m = await opening;

    let changed = nextChange(m);
    s.send('seats', { changes: [{ seatId: 'a1', status: 'reserved', version: 2, heldUntil: '2030-01-01T00:00:00.000Z' }] });
    expect(await changed).toEqual([0]);
    expect(m.status(0)).toBe('reserved');

    // An older version arrives late (another replica's message): ignored. Then the hold lapses (same version).
    changed = nextChange(m);
    s.send('seats', { changes: [{ seatId: 'a1', status: 'available', version: 1 }, { seatId: 'b1', status: 'sold', version: 5 }] });
    expect(await changed).toEqual([2]);
    expect(m.status(0)).toBe('reserved');
    changed = nextChange(m);
    s.send('seats', { changes: [{ seatId: 'a1', status: 'available', version: 2 }] });
    expect(await changed).toEqual([0]);
    expect(m.status(0)).toBe('available');
    m.close();
  });

  it('marks seats refused by a hold as taken until the stream says otherwise', async () => {
    const s = fakeStream();
    const opening = openSeatMap('s1');
    s.send('snapshot', snapshot);
    const m = await opening;
    const changed = nextChange(m);
    m.markTaken(['b1', 'a2', 'unknown']);
    expect(await changed).toEqual([2]);
    expect(m.status(2)).toBe('reserved');
    const later = nextChange(m);
    s.send('seats', { changes: [{ seatId: 'b1', status: 'available', version: 1 }] });
    await later;
    expect(m.status(2)).toBe('available');
    m.close();
  });

  it('fails when the session has no seat map', async () => {
    fakeStream(404);
    await expect(openSeatMap('missing')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
