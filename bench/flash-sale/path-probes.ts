/**
 * After the sale: the read path and the reject path measured on their own,
 * at the sale's concurrency, for comparison with a bare Express route.
 * - seat map: GET /api/v1/sessions/{id}/seat-map through the gateway;
 * - fast reject: POST /api/v1/reservations of a sold seat, which the booking
 *   API refuses from the Redis seat view with a 409, without a workflow.
 */
import { measure } from '../baselines';
import type { LoadResult } from '../load';
import type { Buyer } from './buyer-accounts';
import type { HttpClient } from './http-client';

export function measureSeatMapReads(http: HttpClient, sessionId: string, o: { concurrency: number; seconds: number }): Promise<LoadResult> {
  return measure(async () => {
    const a = await http.request('GET', `/api/v1/sessions/${sessionId}/seat-map`);
    if (a.status !== 200) throw new Error(`seat map: ${a.status}`);
  }, o);
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
