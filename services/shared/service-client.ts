import { request, type Dispatcher } from 'undici';
import { REQUEST_ID_HEADER, RESERVATION_ID_HEADER } from '../../contracts/correlation';
import { fromProblem } from './errors';
import { SERVICE_TOKEN_HEADER } from './auth';
import { createCircuitBreaker, type BreakerOptions, type BreakerState } from './circuit-breaker';
import { currentCorrelation } from './request-context';

export interface CallOptions {
  requestId?: string;
  timeoutMs?: number;
}

export interface ServiceClient {
  /** A JSON answer, parsed. */
  request<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T>;
  /** A binary answer (a PDF), as it came. */
  requestBytes(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<Buffer>;
  /** The circuit breaker's state for this upstream. */
  breakerState(): BreakerState;
}

/** The circuit breaker's settings (its name is the base URL); logs with `logger`. */
export type ServiceClientOptions = Omit<BreakerOptions, 'name'>;

/**
 * Calls another service's /internal routes with the service credential.
 * A problem+json answer becomes an HttpError carrying the same status and
 * code, so callers (activities) can tell a business "no" from a failure.
 * undici's request() rather than fetch(): several such calls make up every
 * booking, and fetch's web-streams machinery costs several times the CPU.
 * Callers use the typed clients of contracts/clients.ts, never paths.
 * Every call goes through the upstream's circuit breaker (circuit-breaker.ts):
 * a dead upstream costs a fast 503 rather than a timeout per call.
 */
export function createServiceClient(baseUrl: string, serviceToken: string, o: ServiceClientOptions = {}): ServiceClient {
  const base = baseUrl.replace(/\/$/, '');
  const breaker = createCircuitBreaker({ ...o, name: base });
  // The answer's body is read inside the breaker too: an upstream dying mid-answer is an outage.
  const call = <T>(method: string, path: string, body: unknown, opts: CallOptions, accept: string, read: (res: Dispatcher.ResponseData) => Promise<T>) =>
    breaker.run(async () => read(await send(method, path, body, opts, accept)));
  async function send(method: string, path: string, body: unknown, opts: CallOptions, accept: string) {
    const headers: Record<string, string> = { [SERVICE_TOKEN_HEADER]: serviceToken, accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // The work this call is part of (request-context.ts): the callee's log lines carry the same ids.
    const c = currentCorrelation();
    const requestId = opts.requestId ?? c?.requestId;
    if (requestId) headers[REQUEST_ID_HEADER] = requestId;
    if (c?.reservationId) headers[RESERVATION_ID_HEADER] = c.reservationId;
    const timeout = opts.timeoutMs ?? 10_000;
    const res = await request(`${base}${path}`, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw fromProblem(parseJson(await res.body.text()), res.statusCode);
    }
    return res;
  }
  return {
    request<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}) {
      return call(method, path, body, opts, 'application/json', async (res) => {
        const text = await res.body.text();
        return (text ? JSON.parse(text) : undefined) as T;
      });
    },
    requestBytes(method: string, path: string, body?: unknown, opts: CallOptions = {}) {
      return call(method, path, body, opts, '*/*', async (res) => Buffer.from(await res.body.arrayBuffer()));
    },
    breakerState: breaker.state,
  };
}

/** An error answer's body: problem+json, or anything else (a proxy's HTML page) read as nothing. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
