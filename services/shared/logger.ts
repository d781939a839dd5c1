import pino from 'pino';
import { currentCorrelation } from './request-context';

export type Logger = pino.Logger;

/** `file`: append there instead of stdout (LOG_FILE: the test stack reads each service's lines). */
export function createLogger(service: string, level = 'info', file?: string): Logger {
  // Buffered writes: one write per burst of lines rather than one per line on a hot path;
  // pino flushes what is left when the process exits.
  // Every line says which request and reservation it belongs to (request-context.ts), so one id finds a booking's whole story.
  const mixin = () => {
    const c = currentCorrelation();
    return c ? { ...(c.requestId ? { requestId: c.requestId } : {}), ...(c.reservationId ? { reservationId: c.reservationId } : {}) } : {};
  };
  return pino({ name: service, level, base: { service }, mixin, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: file ?? 1, sync: false, ...(file ? { mkdir: true } : {}) }));
}
