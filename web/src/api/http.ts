import { bearerToken, refresh } from './auth';
import { errorOf, networkError } from './errors';

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

const withQuery = (path: string, query: RequestOptions['query']) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

/**
 * One call to the public API with the signed-in user's bearer token. A 401
 * on a call that carried a token refreshes it once and retries; any answer
 * other than 2xx (or a 304 to an If-None-Match) is thrown as an ApiError with
 * the problem's code.
 */
export async function send(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
  const url = withQuery(path, o.query);
  const attempt = async (token: string | undefined) => {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...o.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(url, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: o.signal });
    } catch (err) {
      if (o.signal?.aborted) throw err;
      throw networkError(err);
    }
  };
  const token = bearerToken();
  let res = await attempt(token);
  if (res.status === 401 && token && (await refresh())) res = await attempt(bearerToken());
  // A conditional read's 304 is an answer ("what you have is current"), not a failure.
  if (!res.ok && !(res.status === 304 && o.headers?.['if-none-match'])) throw await errorOf(res);
  return res;
}

const json = async <T>(res: Response): Promise<T> => (res.status === 204 ? (undefined as T) : ((await res.json()) as T));

export const api = {
  get: <T>(path: string, o?: RequestOptions) => send('GET', path, o).then((r) => json<T>(r)),
  post: <T>(path: string, body?: unknown, o?: RequestOptions) => send('POST', path, { ...o, body }).then((r) => json<T>(r)),
  put: <T>(path: string, body?: unknown, o?: RequestOptions) => send('PUT', path, { ...o, body }).then((r) => json<T>(r)),
  patch: <T>(path: string, body?: unknown, o?: RequestOptions) => send('PATCH', path, { ...o, body }).then((r) => json<T>(r)),
  delete: <T>(path: string, o?: RequestOptions) => send('DELETE', path, o).then((r) => json<T>(r)),
  /** The status with the body, for answers whose status means something (200 paid, 202 processing). */
  postWithStatus: async <T>(path: string, body?: unknown, o?: RequestOptions) => {
    const res = await send('POST', path, { ...o, body });
    return { status: res.status, body: await json<T>(res) };
  },
  blob: (path: string) => send('GET', path, { headers: { accept: '*/*' } }).then((r) => r.blob()),
};
