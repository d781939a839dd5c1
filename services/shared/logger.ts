import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(service: string, level = 'info'): Logger {
  // Buffered writes: one write per burst of lines rather than one per line on a hot path;
  // pino flushes what is left when the process exits.
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: false }));
}
