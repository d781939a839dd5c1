/**
 * The sale the benchmark runs: its own organizer (a fixed local-development
 * account), and a new venue, hall of S seats in three tiers, event and
 * published session each run, created through the public API.
 */
import { createPublishedSession, ensureAccount, signIn, type Api, type HallLayout, type SignedIn } from '../../devstack/api-client';

/** Local-development only: the benchmark's organizer, created on first use. */
export const BENCH_ORGANIZER = { email: 'flash-organizer@bench.test', password: 'Flash-sale-organizer-2026!', name: 'Flash Sale Organizer' } as const;

/** The best 10% of the hall: what half of the buyers aim at. */
export const FRONT = 'Front';
const SEATS_PER_ROW = 50;

/**
 * S seats in three sections, each its own tier: Front (VVIP, 10%), Middle
 * (VIP, 30%) and Back (Normal, the rest), in rows of up to 50 seats.
 */
export function flashSaleHall(seats: number): HallLayout {
  if (!Number.isInteger(seats) || seats < 10) throw new Error('a flash-sale hall needs at least 10 seats');
  const front = Math.max(1, Math.round(seats * 0.1));
  const middle = Math.max(1, Math.round(seats * 0.3));
  const sizes: [string, number][] = [
    [FRONT, front],
    ['Middle', middle],
    ['Back', seats - front - middle],
  ];
  return {
    name: 'Flash Sale Hall',
    sections: sizes.map(([name, n]) => ({
      name,
      rows: Array.from({ length: Math.ceil(n / SEATS_PER_ROW) }, (_, i) => ({
        label: `R${i + 1}`,
        seats: Math.min(SEATS_PER_ROW, n - i * SEATS_PER_ROW),
      })),
    })),
  };
}

export interface SaleSession {
  sessionId: string;
  eventId: string;
  organizer: SignedIn;
}

/** A published session of `seats` seats, on sale now, owned by the benchmark's organizer. */
export async function createFlashSale(api: Api, admin: { email: string; password: string }, seats: number): Promise<SaleSession> {
  const adminToken = (await signIn(api, admin.email, admin.password)).token;
  const organizer = await ensureAccount(api, BENCH_ORGANIZER, 'organizer', adminToken);
  // A distinct start per run: sessions of one hall must not overlap, and titles stay unique.
  const startsAt = new Date(Date.now() + 14 * 86_400_000);
  startsAt.setUTCSeconds(0, 0);
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const ids = await createPublishedSession(api, organizer.token, {
    venue: { name: 'Flash Sale Arena', city: 'Lisbon', address: '7 Benchmark Quay' },
    hall: flashSaleHall(seats),
    event: { title: `Flash sale ${stamp} (${seats} seats)`, description: 'bench/flash-sale', category: 'concert' },
    startsAt,
    durationMinutes: 120,
    tiers: [
      { name: 'VVIP', price: { amount: '250.00', currency: 'EUR' }, sections: [FRONT] },
      { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: ['Middle'] },
      { name: 'Normal', price: { amount: '45.00', currency: 'EUR' }, sections: ['Back'] },
    ],
  });
  return { sessionId: ids.sessionId, eventId: ids.eventId, organizer };
}
