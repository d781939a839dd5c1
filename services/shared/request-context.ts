import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import { RESERVATION_ID_HEADER, type Correlation } from '../../contracts/correlation';

/** One request's (or one activity's) correlation; `answer` is the response that names its reservation. */
interface Scope extends Correlation {
  answer?: ServerResponse;
}

/**
 * The correlation of the work in progress, kept across awaits
 * (AsyncLocalStorage): the service client forwards it, the logger prints it,
 * the Temporal client interceptor puts it in workflow headers. Nobody passes
 * ids by hand.
 */
const storage = new AsyncLocalStorage<Scope>();

export function withCorrelation<T>(c: Correlation, fn: () => T, answer?: ServerResponse): T {
  return storage.run({ ...c, ...(answer ? { answer } : {}) }, fn);
}

export function currentCorrelation(): Correlation | undefined {
  return storage.getStore();
}

/**
 * The reservation this work is about, from the moment it is known: every
 * later log line and call carries it, and the answer names it
 * (X-Reservation-Id), so the gateway's line for the request does too.
 */
export function setReservationId(reservationId: string): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.reservationId = reservationId;
  if (scope.answer && !scope.answer.headersSent) scope.answer.setHeader(RESERVATION_ID_HEADER, reservationId);
}
