import { randomUUID } from 'node:crypto';
import { createPublishedSession, rows, type Api } from '../../../devstack/api-client';

/**
 * A published session in a hall of `sections` sections of rows×seats, the
 * first section VIP, the last Budget, the rest Normal (a 5,000-seat hall:
 * four sections of 25 rows of 50).
 */
export async function hallSession(api: Api, organizerToken: string, sections: { name: string; rows: number; seats: number }[]) {
  const startsAt = new Date(Date.now() + 20 * 86_400_000 + Math.floor(Math.random() * 1e9));
  const names = sections.map((s) => s.name);
  const tiers = [
    { name: 'VIP', price: { amount: '120.00', currency: 'EUR' }, sections: names.slice(0, 1) },
    ...(names.length > 2 ? [{ name: 'Normal', price: { amount: '45.00', currency: 'EUR' }, sections: names.slice(1, -1) }] : []),
    ...(names.length > 1 ? [{ name: 'Budget', price: { amount: '20.00', currency: 'EUR' }, sections: names.slice(-1) }] : []),
  ];
  return createPublishedSession(api, organizerToken, {
    venue: { name: 'Arena', city: 'Porto', address: '3 Arena Way' },
    hall: { name: `Hall ${randomUUID().slice(0, 6)}`, sections: sections.map((s) => ({ name: s.name, rows: rows(s.rows, s.seats) })) },
    event: { title: `Big Night ${startsAt.getTime()}`, description: 'a big night', category: 'concert' },
    startsAt,
    durationMinutes: 180,
    tiers,
  });
}
