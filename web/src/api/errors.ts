/**
 * A refusal or failure of the API as the app shows it: the problem+json's
 * status, stable code and detail (plus its extra fields, such as
 * unavailableSeats on a 409 SEAT_UNAVAILABLE). Status 0 means the network
 * did not carry the request.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  get offline(): boolean {
    return this.status === 0;
  }
}

export async function errorOf(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
  const detail = typeof body.detail === 'string' ? body.detail : res.statusText || 'the request failed';
  return new ApiError(res.status, code, detail, body);
}

export const networkError = (err: unknown) =>
  new ApiError(0, 'NETWORK', `the server could not be reached (${(err as Error)?.message ?? 'network error'})`);

/** The message to show a person for an error of any kind. */
export const messageOf = (err: unknown) => (err instanceof ApiError ? err.detail : err instanceof Error ? err.message : String(err));
