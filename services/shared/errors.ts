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
