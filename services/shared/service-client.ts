import { request, type Dispatcher } from 'undici';
import { fromProblem } from './errors';
import { REQUEST_ID_HEADER } from './http';
import { SERVICE_TOKEN_HEADER } from './auth';

export interface ServiceClient {
  request<T>(method: string, path: string, body?: unknown, opts?: { requestId?: string; timeoutMs?: number }): Promise<T>;
}

/**
 * Calls another service's /internal routes with the service credential.
 * A problem+json answer becomes an HttpError carrying the same status and
 * code, so callers (activities) can tell a business "no" from a failure.
 * undici's request() rather than fetch(): several such calls make up every
 * booking, and fetch's web-streams machinery costs several times the CPU.
 */
export function createServiceClient(baseUrl: string, serviceToken: string): ServiceClient {
  const base = baseUrl.replace(/\/$/, '');
  return {
    async request<T>(method: string, path: string, body?: unknown, opts: { requestId?: string; timeoutMs?: number } = {}) {
      const headers: Record<string, string> = { [SERVICE_TOKEN_HEADER]: serviceToken, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (opts.requestId) headers[REQUEST_ID_HEADER] = opts.requestId;
      const timeout = opts.timeoutMs ?? 10_000;
      const res = await request(`${base}${path}`, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await res.body.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (res.statusCode < 200 || res.statusCode >= 300) throw fromProblem(parsed, res.statusCode);
      return parsed as T;
    },
  };
}
