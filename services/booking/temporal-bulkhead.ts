import pLimit from 'p-limit';
import { HttpError } from '../shared/errors';

export interface TemporalBulkheadOptions {
  /** Temporal calls this replica makes at once; the rest wait their turn, first come first served. */
  maxInFlight: number;
  /** A call that has not had its turn after this long is answered 503 (retry with the same Idempotency-Key). */
  maxWaitMs: number;
}

/**
 * Keeps the number of Temporal calls in flight where the server is fastest.
 * A Temporal server's throughput falls as concurrent workflow starts pile
 * up (the dev server here: ~40 no-op Update-with-Starts/s at 10–50 in
 * flight, half that at 500, each taking seconds), so in a flash sale
 * queueing here, in order, gets every buyer an answer sooner than letting
 * them all in. Measured in the flash-sale benchmark: 48 in flight gave
 * fewer holds/s and 15 s deadlines missed, 16 did not (bench/RESULTS.md).
 */
export function createTemporalBulkhead(o: TemporalBulkheadOptions) {
  const limit = pLimit(o.maxInFlight);
  const busy = () =>
    new HttpError(503, 'BOOKING_BUSY', 'booking is at capacity; retry with the same Idempotency-Key', {
      retryAfter: Math.max(1, Math.ceil(o.maxWaitMs / 1000)),
    });

  return {
    run<T>(call: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let gaveUp = false;
        const timer = setTimeout(() => {
          gaveUp = true;
          reject(busy());
        }, o.maxWaitMs);
        void limit(async () => {
          // Its place in the queue is given up: the turn passes on at once.
          if (gaveUp) return;
          clearTimeout(timer);
          await call().then(resolve, reject);
        });
      });
    },
    /** Calls under way and calls waiting for their turn. */
    load: () => ({ inFlight: limit.activeCount, waiting: limit.pendingCount }),
  };
}
export type TemporalBulkhead = ReturnType<typeof createTemporalBulkhead>;
