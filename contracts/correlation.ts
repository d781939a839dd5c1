/**
 * The ids that tie one booking's story together across processes: the
 * gateway's request id and, once booking has made it, the reservation id.
 * They travel as HTTP headers between services and as Temporal headers into
 * workflows and activities (never as workflow input, so histories and
 * workflow code stay the same whatever the caller's ids). Workflow code
 * imports this module: it stays free of Node.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

export interface Correlation {
  requestId?: string;
  reservationId?: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const RESERVATION_ID_HEADER = 'x-reservation-id';

/** Temporal header keys (headers are payloads, so they cross the SDK like arguments do). */
const TEMPORAL_HEADERS = { requestId: 'ticketing-request-id', reservationId: 'ticketing-reservation-id' } as const;

/** Ids worth carrying: short, printable, nothing a caller could use to forge a log line. */
export const isCorrelationId = (v: unknown): v is string => typeof v === 'string' && /^[\w-]{1,128}$/.test(v);

export function correlationHeaders(c: Correlation | undefined): Record<string, Payload> {
  const out: Record<string, Payload> = {};
  if (c?.requestId) out[TEMPORAL_HEADERS.requestId] = defaultPayloadConverter.toPayload(c.requestId);
  if (c?.reservationId) out[TEMPORAL_HEADERS.reservationId] = defaultPayloadConverter.toPayload(c.reservationId);
  return out;
}

export function correlationOf(headers: Record<string, Payload> | undefined): Correlation {
  const read = (key: string) => {
    const p = headers?.[key];
    const v: unknown = p ? defaultPayloadConverter.fromPayload(p) : undefined;
    return isCorrelationId(v) ? v : undefined;
  };
  const requestId = read(TEMPORAL_HEADERS.requestId);
  const reservationId = read(TEMPORAL_HEADERS.reservationId);
  return { ...(requestId ? { requestId } : {}), ...(reservationId ? { reservationId } : {}) };
}
