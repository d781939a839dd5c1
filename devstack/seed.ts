import { apiClient, createPublishedSession, ensureAccount, rows, signIn } from './api-client';
import { DEMO_ADMIN } from '../contracts/platform';

/**
 * Local-development demo accounts (README lists them). Passwords are public
 * on purpose: they exist only on a developer's machine.
 */
export const DEMO_ACCOUNTS = {
  customer: { email: 'customer@demo.test', password: 'Ticket-buyer-2026!', name: 'Demo Customer' },
  organizer: { email: 'organizer@demo.test', password: 'Stage-lights-2026!', name: 'Demo Organizer' },
  staff: { email: 'staff@demo.test', password: 'Door-scanner-2026!', name: 'Demo Staff' },
} as const;

export const DEMO_EVENT_TITLE = 'Symphony Under the Stars';

/** 520 seats: Stalls 16×20 (Normal), Balcony 8×20 (VIP), Boxes 4×10 (VVIP). */
export const DEMO_HALL = {
  name: 'Grand Hall',
  sections: [
    { name: 'Stalls', rows: rows(16, 20) },
    { name: 'Balcony', rows: rows(8, 20) },
    { name: 'Boxes', rows: rows(4, 10) },
  ],
};

/** Accounts for every role and one published event on sale; running it again changes nothing. */
export async function seedDemo(gatewayUrl: string): Promise<{ sessionId: string }> {
  const api = apiClient(gatewayUrl);
  const admin = await signIn(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  await ensureAccount(api, DEMO_ACCOUNTS.customer);
  await ensureAccount(api, DEMO_ACCOUNTS.staff, 'staff', admin.token);
  const organizer = await ensureAccount(api, DEMO_ACCOUNTS.organizer, 'organizer', admin.token);

  const listed = await api.expect(200, 'GET', `/api/v1/events?q=${encodeURIComponent(DEMO_EVENT_TITLE)}`);
  const existing = listed.items.find((e: { title: string; organizerId: string }) => e.title === DEMO_EVENT_TITLE && e.organizerId === organizer.user.id);
  if (existing?.sessions[0]) return { sessionId: existing.sessions[0].id };

  // A month from now at 19:00 UTC, so the demo stays on sale.
  const startsAt = new Date();
  startsAt.setUTCDate(startsAt.getUTCDate() + 30);
  startsAt.setUTCHours(19, 0, 0, 0);
  const { sessionId } = await createPublishedSession(api, organizer.token, {
    venue: { name: 'Riverside Concert House', city: 'Lisbon', address: '1 Harbour Way' },
    hall: DEMO_HALL,
    event: { title: DEMO_EVENT_TITLE, description: 'An evening of film scores under a projected night sky.', category: 'concert' },
    startsAt,
    durationMinutes: 150,
    tiers: [
      { name: 'VVIP', price: { amount: '250.00', currency: 'EUR' }, sections: ['Boxes'] },
      { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: ['Balcony'] },
      { name: 'Normal', price: { amount: '45.00', currency: 'EUR' }, sections: ['Stalls'] },
    ],
  });
  return { sessionId };
}
