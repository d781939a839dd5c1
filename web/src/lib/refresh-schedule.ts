/**
 * When to refresh the access token: before it expires, with room for a slow
 * network and a clock that is a little off, but not so early that a 15-minute
 * token is refreshed every few seconds. A failed refresh is retried with
 * growing pauses while the token still lives.
 */

/** Refresh at 80% of the token's life, and at least a minute before it ends (never sooner than 5 s from now). */
export function refreshDelayMs(expiresInSeconds: number): number {
  const life = expiresInSeconds * 1000;
  return Math.max(5_000, Math.min(life * 0.8, life - 60_000));
}

/** Pause before retry n (1, 2, ...) of a failed refresh: 1 s, 2 s, 4 s... at most 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}
