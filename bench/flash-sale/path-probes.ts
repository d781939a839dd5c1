/**
 * After the sale: the read path and the reject path measured on their own,
 * at the sale's concurrency, for comparison with a bare Express route.
 * - availability: GET /api/v1/sessions/{id}/availability through the gateway
 *   (what every buyer reads before every attempt);
 * - fast reject: POST /api/v1/reservations of a sold seat, which the booking
 *   API refuses from the Redis seat view with a 409, without a workflow.
 */
import { measure } from '../baselines';
import type { LoadResult } from '../load';
import type { Buyer } from './buyer-accounts';
import type { HttpClient } from './http-client';

/** Full reads (no If-None-Match): the bytes a bare Express route serving the same body is compared with. */
export function measureAvailabilityReads(http: HttpClient, sessionId: string, o: { concurrency: number; seconds: number }): Promise<LoadResult> {
  return measure(async () => {
    const a = await http.request('GET', `/api/v1/sessions/${sessionId}/availability`);
    if (a.status !== 200) throw new Error(`availability: ${a.status}`);
  }, o);
}

/** What one availability read costs on the wire, and whether an unchanged one is a 304. */
export async function availabilityOnTheWire(http: HttpClient, sessionId: string): Promise<{ bytes: number; notModified: boolean }> {
  const a = await http.request('GET', `/api/v1/sessions/${sessionId}/availability`);
  const again = await http.request('GET', `/api/v1/sessions/${sessionId}/availability`, { headers: { 'if-none-match': a.etag ?? '' } });
  return { bytes: a.raw.length, notModified: again.status === 304 };
}

export function measureFastRejects(
  http: HttpClient,
  sessionId: string,
  soldSeatIds: string[],
  buyers: Buyer[],
  o: { concurrency: number; seconds: number },
): Promise<LoadResult> {
  if (soldSeatIds.length === 0) throw new Error('no sold seat to be refused');
  return measure(async (seq) => {
    const i = Math.abs(seq);
    const a = await http.request('POST', '/api/v1/reservations', {
      token: buyers[i % buyers.length]!.token,
      body: { sessionId, seatIds: [soldSeatIds[i % soldSeatIds.length]!] },
    });
    if (a.status !== 409) throw new Error(`fast reject: ${a.status}`);
  }, o);
}
