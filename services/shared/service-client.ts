import { request, type Dispatcher } from 'undici';
import { REQUEST_ID_HEADER, RESERVATION_ID_HEADER } from '../../contracts/correlation';
import { fromProblem } from './errors';
import { SERVICE_TOKEN_HEADER } from './auth';
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
}

/**
 * Calls another service's /internal routes with the service credential.
 * A problem+json answer becomes an HttpError carrying the same status and
 * code, so callers (activities) can tell a business "no" from a failure.
 * undici's request() rather than fetch(): several such calls make up every
 * booking, and fetch's web-streams machinery costs several times the CPU.
 * Callers use the typed clients of contracts/clients.ts, never paths.
 */
export function createServiceClient(baseUrl: string, serviceToken: string): ServiceClient {
  const base = baseUrl.replace(/\/$/, '');
  async function call(method: string, path: string, body: unknown, opts: CallOptions, accept: string) {
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
      const text = await res.body.text();
      throw fromProblem(text ? JSON.parse(text) : undefined, res.statusCode);
    }
    return res;
  }
  return {
    async request<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}) {
      const text = await (await call(method, path, body, opts, 'application/json')).body.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async requestBytes(method: string, path: string, body?: unknown, opts: CallOptions = {}) {
      return Buffer.from(await (await call(method, path, body, opts, '*/*')).body.arrayBuffer());
    },
  };
}
