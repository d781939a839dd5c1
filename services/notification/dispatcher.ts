import type { Logger } from '../shared/logger';
import type { SendNotification } from './mailer';
import type { ClaimedMessage, MessageStore } from './store';

export interface DispatcherOptions {
  store: MessageStore;
  send: SendNotification;
  logger: Logger;
  pollMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  batchSize?: number;
  /** How long a claimed message is left alone by other replicas; longer than one SMTP attempt can take. */
  leaseMs?: number;
  onOutcome?: (outcome: 'sent' | 'retry' | 'failed') => void;
}

const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** The wait before attempt n+1 after n failed ones: base × 2^(n-1), at most an hour. */
export function retryDelayMs(failedAttempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_DELAY_MS);
}

/**
 * Sends queued messages in the background: claims due ones, sends them,
 * records the outcome. Each replica runs one; they never send the same
 * message at once (see MessageStore.claimDue). Delivery is at least once: a
 * crash between the SMTP answer and the "sent" mark sends the message again.
 */
export function startDispatcher(o: DispatcherOptions): { wake(): void; stop(): Promise<void> } {
  const batchSize = o.batchSize ?? 10;
  const leaseMs = o.leaseMs ?? 120_000;
  let stopped = false;
  let sleeping: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  let wokenEarly = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (wokenEarly || stopped) {
        wokenEarly = false;
        return resolve();
      }
      sleeping = { timer: setTimeout(resolve, ms), resolve };
    }).finally(() => {
      sleeping = undefined;
    });

  const wake = () => {
    if (sleeping) {
      clearTimeout(sleeping.timer);
      sleeping.resolve();
    } else {
      // A message queued while a round runs is picked up by the next round without waiting.
      wokenEarly = true;
    }
  };

  const deliver = async (m: ClaimedMessage) => {
    try {
      const smtpId = await o.send(m.request, m.createdAt);
      await o.store.markSent(m.id, smtpId);
      o.onOutcome?.('sent');
    } catch (err) {
      const error = (err as Error).message || String(err);
      const retryIn = m.attempts >= o.maxAttempts ? undefined : retryDelayMs(m.attempts, o.retryBaseMs);
      o.logger.warn({ messageId: m.id, attempts: m.attempts, retryIn, error }, retryIn === undefined ? 'email failed for good' : 'email attempt failed');
      await o.store.markAttemptFailed(m.id, error, retryIn);
      o.onOutcome?.(retryIn === undefined ? 'failed' : 'retry');
    }
  };

  const loop = (async () => {
    while (!stopped) {
      let claimed = 0;
      try {
        const due = await o.store.claimDue(batchSize, leaseMs);
        claimed = due.length;
        await Promise.all(due.map(deliver));
      } catch (err) {
        // The database being away is no reason to stop: the next round tries again.
        o.logger.error({ err }, 'dispatch round failed');
      }
      if (!stopped && claimed < batchSize) await sleep(o.pollMs);
    }
  })();

  return {
    wake,
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
