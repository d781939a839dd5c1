/**
 * The one error type of the platform: an HTTP status plus a stable
 * upper-snake code. Routes throw it; `problemHandler` (http.ts) turns it
 * into application/problem+json.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) =>
  new HttpError(400, 'VALIDATION_FAILED', detail, extra);
export const unauthorized = (detail = 'a valid access token is required') =>
  new HttpError(401, 'UNAUTHORIZED', detail);
export const forbidden = (detail = 'you may not do this') => new HttpError(403, 'FORBIDDEN', detail);
export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new HttpError(409, code, detail, extra);

/** Seconds a 503 asks the client to wait when its cause does not say: a dependency restarting is back within seconds. */
export const DEFAULT_RETRY_AFTER_SECONDS = 2;

// Network failures of a connection to a store or another service (Node's, undici's).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
// PostgreSQL's own "not now": connection exceptions (class 08), shutting down or starting up (57P0x), too many connections.
const PG_UNAVAILABLE = /^(08...|57P01|57P02|57P03|53300)$/;
// What node-postgres and ioredis say, without a code, when their server is gone or silent.
const CLIENT_MESSAGES = [
  'timeout exceeded when trying to connect', // pg pool: no connection within connectionTimeoutMillis
  'Connection terminated', // pg: the server went away (unexpectedly, or due to connection timeout)
  'Query read timeout', // pg: query_timeout
  'not queryable', // pg: a client whose connection failed
  "Stream isn't writeable", // ioredis: disconnected, and no offline queue
  'Connection is closed', // ioredis
  'Command timed out', // ioredis: commandTimeout
];
// gRPC's UNAVAILABLE (the Temporal client, when its server is down).
const GRPC_UNAVAILABLE = 14;

/**
 * A failure to reach a dependency (PostgreSQL, Redis, Temporal or another
 * service) rather than anything wrong with the request: a 503 with
 * Retry-After, which the client may retry. Undefined for anything else.
 * The one place that knows what the clients' connection errors look like.
 */
export function unavailableError(err: unknown): HttpError | undefined {
  for (let e = err as { code?: unknown; name?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    const code = e.code;
    const down =
      (typeof code === 'string' && (CONNECTION_CODES.has(code) || PG_UNAVAILABLE.test(code))) ||
      code === GRPC_UNAVAILABLE ||
      e.name === 'MaxRetriesPerRequestError' ||
      (typeof e.message === 'string' && CLIENT_MESSAGES.some((m) => e!.message!.includes(m)));
    if (down) {
      return new HttpError(503, 'DEPENDENCY_UNAVAILABLE', 'a service this request needs is unavailable; retry shortly', {
        retryAfter: DEFAULT_RETRY_AFTER_SECONDS,
      });
    }
  }
  return undefined;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [key: string]: unknown;
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `https://docs.ticketing.local/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}

/** Rebuilds an HttpError from a problem+json body received from another service. */
export function fromProblem(body: unknown, fallbackStatus: number): HttpError {
  const p = (body ?? {}) as Partial<Problem>;
  const { type: _t, title: _ti, status, detail, code, ...extra } = p;
  return new HttpError(
    typeof status === 'number' ? status : fallbackStatus,
    typeof code === 'string' ? code : 'UPSTREAM_ERROR',
    typeof detail === 'string' ? detail : 'upstream error',
    extra,
  );
}
