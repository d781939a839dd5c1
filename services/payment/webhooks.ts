import type { Pool } from 'pg';
import type { Logger } from '../shared/logger';
import { SIGNATURE_HEADER, signWebhook } from '../shared/webhook-signature';

export interface WebhookSettings {
  secret: string;
  /** Deliveries give up after this many attempts (the booking side also polls). */
  maxAttempts?: number;
}

/**
 * Delivers queued webhooks: signed, at least once, retried with exponential
 * backoff until the receiver answers 2xx. Receivers must be idempotent
 * (the booking workflow ignores an outcome it already knows).
 */
export function createWebhookSender(pool: Pool, s: WebhookSettings, logger: Logger) {
  const maxAttempts = s.maxAttempts ?? 12;
  return {
    async deliverDue(limit = 20): Promise<number> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; url: string; payload: unknown; attempts: number }>(
          `SELECT id, url, payload, attempts FROM payment.webhook_deliveries
           WHERE delivered_at IS NULL AND next_attempt_at <= now() AND attempts < $1
           ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [maxAttempts, limit],
        );
        for (const row of rows) {
          const body = JSON.stringify({ id: row.id, ...(row.payload as object) });
          let error: string | null = null;
          try {
            const res = await fetch(row.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(s.secret, body) },
              body,
              signal: AbortSignal.timeout(5_000),
            });
            if (!res.ok) error = `HTTP ${res.status}`;
          } catch (err) {
            error = (err as Error).message;
          }
          if (error) logger.warn({ delivery: row.id, attempt: row.attempts + 1, error }, 'webhook delivery failed');
          await client.query(
            `UPDATE payment.webhook_deliveries SET attempts = attempts + 1, last_error = $2,
               delivered_at = CASE WHEN $2::text IS NULL THEN now() END,
               next_attempt_at = now() + make_interval(secs => least(300, power(2, attempts)))
             WHERE id = $1`,
            [row.id, error],
          );
        }
        await client.query('COMMIT');
        return rows.length;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
