/**
 * The load generator's HTTP client: plain node:http over keep-alive sockets
 * (the same client the Express baseline is driven with, so the ratios compare
 * servers, not clients), with a deadline per request. A request past its
 * deadline is a 'timeout'; a broken connection is an 'error'. Both count as
 * failures in the report.
 */
import http from 'node:http';
import { keepAliveAgent } from '../../services/shared/http';

export type Outcome = number | 'timeout' | 'error';

export interface HttpAnswer {
  status: Outcome;
  /** The raw body (empty on timeout or error). */
  raw: Buffer;
  etag?: string;
  /** The Content-Encoding of the body (e.g. br), if any. */
  encoding?: string;
  /** Retry-After, when the answer had one (seconds). */
  retryAfter?: string;
  /** Start of the request, ms on performance.now()'s clock. */
  startedAt: number;
  ms: number;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpClient {
  request(method: string, path: string, o?: RequestOptions): Promise<HttpAnswer>;
  close(): void;
}

export function createHttpClient(baseUrl: string, o: { maxSockets: number; timeoutMs: number }): HttpClient {
  const url = new URL(baseUrl);
  // Idle sockets are closed on this side before the gateway closes them, as a browser does.
  const agent = keepAliveAgent({ maxSockets: o.maxSockets });
  return {
    request(method, path, r = {}) {
      const headers: Record<string, string> = { ...r.headers };
      if (r.token) headers.authorization = `Bearer ${r.token}`;
      const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      const startedAt = performance.now();
      return new Promise<HttpAnswer>((resolve) => {
        let settled = false;
        const done = (status: Outcome, raw: Buffer = Buffer.alloc(0), h: http.IncomingHttpHeaders = {}) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const retryAfter = h['retry-after'];
          const encoding = h['content-encoding'];
          resolve({ status, raw, etag: h.etag, ...(encoding ? { encoding } : {}), ...(retryAfter ? { retryAfter } : {}), startedAt, ms: performance.now() - startedAt });
        };
        const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks), res.headers));
          res.on('error', (err) => done('error', Buffer.from(err.message)));
        });
        const timer = setTimeout(() => {
          done('timeout');
          req.destroy();
        }, o.timeoutMs);
        req.on('error', (err) => done('error', Buffer.from(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`)));
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

/** The JSON body of an answer (undefined when there is none or it is not JSON). */
export function json<T = any>(a: HttpAnswer): T | undefined {
  if (a.raw.length === 0) return undefined;
  try {
    return JSON.parse(a.raw.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
