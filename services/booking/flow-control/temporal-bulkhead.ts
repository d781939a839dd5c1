import PQueue from 'p-queue';
import { HttpError } from '../../shared/errors';

export interface TemporalBulkheadOptions {
  /** Temporal calls this replica makes at once; the rest wait their turn. */
  maxInFlight: number;
  /** A call that has not had its turn after this long is answered 503 (retry with the same Idempotency-Key). */
  maxWaitMs: number;
  /** A sheddable call (a new hold) waits at most this long, and is refused at once while the line is this slow. */
  shedAfterMs: number;
  /** Told of every call that ran, when it completes or fails (to measure throughput). */
  settled?: () => void;
}

export interface CallOptions {
  /**
   * A new hold is sheddable: it may be refused when the line is slow, so
   * that buyers who already hold seats (confirm, cancel) and buyers admitted
   * from a waiting room keep getting answers. Calls on an existing booking
   * go first, then admitted holds, then new holds: a buyer with seats must
   * be able to pay.
   */
  hold?: 'new' | 'admitted';
}

const PRIORITY = { existing: 2, admitted: 1, new: 0 } as const;

/**
 * Keeps the number of Temporal calls in flight where the server is fastest.
 * A Temporal server's throughput falls as concurrent workflow starts pile
 * up (the dev server here: ~40 no-op Update-with-Starts/s at 10–50 in
 * flight, half that at 500, each taking seconds), so in a flash sale
 * queueing here gets every buyer an answer sooner than letting them all in.
 * Measured in the flash-sale benchmark: 48 in flight gave fewer holds/s and
 * 15 s deadlines missed, 16 did not (bench/RESULTS.md).
 *
 * When the line grows slower than shedAfterMs, new holds are refused
 * (BOOKING_BUSY) rather than queued behind buyers who are paying: the
 * booking API then sends their session to its waiting room. The time a call
 * waits for its turn is the signal (as in CoDel), so no capacity number has
 * to be known in advance.
 */
export function createTemporalBulkhead(o: TemporalBulkheadOptions) {
  const queue = new PQueue({ concurrency: o.maxInFlight });
  const busy = (waitedMs: number) =>
    new HttpError(503, 'BOOKING_BUSY', 'booking is at capacity; retry with the same Idempotency-Key', {
      retryAfter: Math.max(1, Math.ceil(waitedMs / 1000)),
    });
  /** How long the last call to get its turn had waited for it. */
  let lastWaitMs = 0;
  const congested = () => queue.size > 0 && lastWaitMs >= o.shedAfterMs;

  return {
    run<T>(call: () => Promise<T>, c: CallOptions = {}): Promise<T> {
      const sheddable = c.hold === 'new';
      if (sheddable && congested()) return Promise.reject(busy(o.shedAfterMs));
      const maxWaitMs = sheddable ? Math.min(o.shedAfterMs, o.maxWaitMs) : o.maxWaitMs;
      const queuedAt = Date.now();
      return new Promise<T>((resolve, reject) => {
        let gaveUp = false;
        const timer = setTimeout(() => {
          gaveUp = true;
          // Giving up is itself a wait as long as the limit: the line is congested.
          lastWaitMs = Math.max(lastWaitMs, maxWaitMs);
          reject(busy(maxWaitMs));
        }, maxWaitMs);
        void queue.add(
          async () => {
            // Its place in the queue is given up: the turn passes on at once.
            if (gaveUp) return;
            clearTimeout(timer);
            lastWaitMs = Date.now() - queuedAt;
            try {
              resolve(await call());
            } catch (err) {
              reject(err);
            } finally {
              o.settled?.();
            }
          },
          { priority: PRIORITY[c.hold ?? 'existing'] },
        );
      });
    },
    /** Calls under way and calls waiting for their turn. */
    load: () => ({ inFlight: queue.pending, waiting: queue.size }),
    /** Whether new holds are being refused: calls are waiting, and the last to get its turn waited shedAfterMs or more. */
    congested,
    /** Whether turns come quickly: nobody waits, or the last to get its turn waited under a quarter of shedAfterMs. */
    quick: () => queue.size === 0 || lastWaitMs < o.shedAfterMs / 4,
  };
}
export type TemporalBulkhead = ReturnType<typeof createTemporalBulkhead>;
