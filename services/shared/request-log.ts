import type { Logger } from './logger';

/**
 * Which answers get a line at info. Every 5xx (error) and every refusal
 * (401, 403, 429...: what a security review reads) is logged; a 409 is not
 * (a taken seat is the normal answer of a flash sale: README, Decisions).
 * Of the successes, every slow one and 1 in `sampleEvery` of the rest: under
 * a flash sale's load a line per request would cost more than the request.
 * The others are logged at debug.
 */
export interface RequestLogSettings {
  /** 1 logs every successful request at info; N logs one in N (a counter, not a coin: no randomness to reason about). */
  sampleEvery: number;
  /** A successful request at least this slow is always logged. */
  slowMs: number;
}

export interface RequestLine {
  requestId: string;
  reservationId?: string;
  method: string;
  route: string;
  url: string;
  status: number;
  ms: number;
}

/** Every success logged; a second is slow. The config's defaults (LOG_SAMPLE_EVERY, LOG_SLOW_MS) too. */
export const REQUEST_LOG_DEFAULTS: RequestLogSettings = { sampleEvery: 1, slowMs: 1_000 };
/** Set once per service by its kit (startService), read by the HTTP skeleton of the same service. */
const settingsOf = new WeakMap<Logger, RequestLogSettings>();

export function sampleRequestLog(logger: Logger, settings: Partial<RequestLogSettings>): void {
  settingsOf.set(logger, { sampleEvery: settings.sampleEvery ?? REQUEST_LOG_DEFAULTS.sampleEvery, slowMs: settings.slowMs ?? REQUEST_LOG_DEFAULTS.slowMs });
}

export function requestLog(logger: Logger): (line: RequestLine) => void {
  let successes = 0;
  return (line) => {
    const s = settingsOf.get(logger) ?? REQUEST_LOG_DEFAULTS;
    if (line.status >= 500) logger.error(line, 'request failed');
    else if (line.status === 409) logger.debug(line, 'request');
    else if (line.status >= 400) logger.info(line, 'request refused');
    else if (line.ms >= s.slowMs) logger.info(line, 'slow request');
    else if (++successes % s.sampleEvery === 0) logger.info(line, 'request');
    else logger.debug(line, 'request');
  };
}
