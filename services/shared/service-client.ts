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
 */
export function createServiceClient(baseUrl: string, serviceToken: string): ServiceClient {
  const base = baseUrl.replace(/\/$/, '');
  return {
    async request<T>(method: string, path: string, body?: unknown, opts: { requestId?: string; timeoutMs?: number } = {}) {
      const headers: Record<string, string> = { [SERVICE_TOKEN_HEADER]: serviceToken, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (opts.requestId) headers[REQUEST_ID_HEADER] = opts.requestId;
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (!res.ok) throw fromProblem(parsed, res.status);
      return parsed as T;
    },
  };
}
