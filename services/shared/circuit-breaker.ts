import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { HttpError } from './errors';
import type { Logger } from './logger';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** What is called (the upstream's base URL): named in logs and in the 503. */
  name: string;
  /** Outages in a row that open the circuit. */
  failures?: number;
  /** How long an open circuit fails fast before one call may probe the upstream again. */
  halfOpenAfterMs?: number;
  logger?: Logger;
  /** Told of every change of state: the hook for a metric (a gauge per upstream). */
  onStateChange?: (name: string, state: BreakerState) => void;
}

export const BREAKER_DEFAULTS = { failures: 5, halfOpenAfterMs: 3_000 } as const;

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  // Never used here (nothing isolates a breaker by hand); it fails fast like an open one.
  [CircuitState.Isolated]: 'open',
};

/**
 * An outage of the upstream: it could not be reached, did not answer in
 * time, or answered 5xx. A 4xx is an answer from a live upstream and never
 * counts.
 */
export const isOutage = (err: unknown): boolean => !(err instanceof HttpError) || err.status >= 500;

/** A 4xx travels through the policy as a value, so that it counts as the success it is (it resets the count). */
class Answered {
  constructor(readonly err: unknown) {}
}

/**
 * A circuit breaker around the calls to one upstream (cockatiel's): after
 * `failures` outages in a row it opens, and calls fail at once with 503
 * (Retry-After: until the next probe) instead of each waiting for a dead
 * upstream; after `halfOpenAfterMs` the next call probes it (half-open):
 * success closes the circuit, an outage opens it again. Calls made while a
 * probe is under way wait for its outcome.
 */
export function createCircuitBreaker(o: BreakerOptions) {
  const halfOpenAfterMs = o.halfOpenAfterMs ?? BREAKER_DEFAULTS.halfOpenAfterMs;
  const policy = circuitBreaker(handleWhen(isOutage), {
    halfOpenAfter: halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.failures ?? BREAKER_DEFAULTS.failures),
  });
  let openedAt = 0;
  policy.onBreak(() => (openedAt = Date.now()));
  policy.onStateChange((s) => {
    const state = STATES[s];
    const entry = { upstream: o.name, state };
    if (state === 'open') o.logger?.warn({ ...entry, reason: describe(policy.lastFailure) }, `circuit to ${o.name} opened: failing fast`);
    else o.logger?.info(entry, `circuit to ${o.name} ${state}`);
    o.onStateChange?.(o.name, state);
  });

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      let result: T | Answered;
      try {
        result = await policy.execute(async () => {
          try {
            return await fn();
          } catch (err) {
            if (isOutage(err)) throw err;
            return new Answered(err);
          }
        });
      } catch (err) {
        if (err instanceof BrokenCircuitError) {
          const retryAfter = Math.max(1, Math.ceil((openedAt + halfOpenAfterMs - Date.now()) / 1000));
          throw new HttpError(503, 'UPSTREAM_UNAVAILABLE', `${o.name} is unavailable (circuit open); retry shortly`, { retryAfter });
        }
        throw err;
      }
      if (result instanceof Answered) throw result.err;
      return result;
    },
    state: (): BreakerState => STATES[policy.state],
  };
}
export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;

function describe(failure: { error: Error } | { value: unknown } | undefined): string | undefined {
  if (!failure) return undefined;
  if ('error' in failure) {
    const e = failure.error as Error & { code?: string };
    return e.code ? `${e.code}: ${e.message}` : e.message;
  }
  return String(failure.value);
}
