import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction, type Db } from '../shared/db';
import { conflict, HttpError } from '../shared/errors';
import type { PaymentIntent } from '../../contracts/domain';
import type { IntentBody } from '../../contracts/payment';

/**
 * The mock provider's card network: what each test token does.
 * - tok_slow answers 'processing' at once and settles (succeeds) after slowMs;
 * - tok_error fails with 503 errorAttempts times per idempotency key, then
 *   succeeds: a transient outage, recording nothing while it lasts.
 */
export const TOKENS: Record<string, { outcome: 'succeed' | 'decline' | 'error' | 'slow'; reason?: string }> = {
  tok_visa: { outcome: 'succeed' },
  tok_mastercard: { outcome: 'succeed' },
  tok_slow: { outcome: 'slow' },
  tok_declined: { outcome: 'decline', reason: 'card_declined' },
  tok_insufficient_funds: { outcome: 'decline', reason: 'insufficient_funds' },
  tok_error: { outcome: 'error' },
};

export interface ProviderSettings {
  slowMs: number;
  errorAttempts: number;
  /** The merchant's webhook endpoint, recorded with each intent it creates. */
  webhookUrl: string;
}

const view = (r: any): PaymentIntent => ({
  id: r.id,
  reference: r.reference,
  amount: { amount: r.amount, currency: r.currency },
  status: r.status,
  declineReason: r.decline_reason,
  createdAt: r.created_at.toISOString(),
  settledAt: r.settled_at?.toISOString() ?? null,
  refundedAt: r.refunded_at?.toISOString() ?? null,
});

const COLUMNS = 'id, reference, amount::text AS amount, currency, status, decline_reason, created_at, settled_at, refunded_at, request_hash, webhook_url';

/** Queues the webhook of a settled intent in the settling transaction (the outbox). */
async function announce(db: Db, row: any): Promise<void> {
  const intent = view(row);
  const type = `payment_intent.${intent.status}`;
  await db.query(
    `INSERT INTO payment.webhook_deliveries (charge_id, event_type, url, payload) VALUES ($1, $2, $3, $4)
     ON CONFLICT (charge_id, event_type) DO NOTHING`,
    [intent.id, type, row.webhook_url, JSON.stringify({ type, intent })],
  );
}

export function createProvider(pool: Pool, s: ProviderSettings) {
  async function byKey(key: string) {
    const { rows } = await pool.query(`SELECT ${COLUMNS} FROM payment.charges WHERE idempotency_key = $1`, [key]);
    return rows[0];
  }

  /** tok_error: true while this key still has transient failures to serve. */
  async function failsNow(key: string): Promise<boolean> {
    const { rows } = await pool.query<{ failures: number }>(
      `INSERT INTO payment.transient_failures (idempotency_key, failures) VALUES ($1, 1)
       ON CONFLICT (idempotency_key) DO UPDATE SET failures = payment.transient_failures.failures + 1
       RETURNING failures`,
      [key],
    );
    return rows[0]!.failures <= s.errorAttempts;
  }

  return {
    /** Creates an intent once per idempotency key; a replay returns the current state of the first. */
    async create(b: IntentBody): Promise<{ intent: PaymentIntent; replayed: boolean }> {
      const hash = createHash('sha256')
        .update(JSON.stringify([b.reference, b.amount.amount, b.amount.currency, b.token]))
        .digest('hex');
      const existing = await byKey(b.idempotencyKey);
      if (existing) {
        if (existing.request_hash !== hash) {
          throw conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used with a different request');
        }
        return { intent: view(existing), replayed: true };
      }
      const card = TOKENS[b.token] ?? { outcome: 'decline', reason: 'invalid_token' };
      if (card.outcome === 'error' && (await failsNow(b.idempotencyKey))) {
        throw new HttpError(503, 'PROVIDER_UNAVAILABLE', 'the card network did not answer; retry');
      }
      const status = card.outcome === 'decline' ? 'declined' : card.outcome === 'slow' ? 'processing' : 'succeeded';
      const { rows } = await pool.query(
        `INSERT INTO payment.charges (idempotency_key, request_hash, reference, amount, currency, status, decline_reason, settle_at, settled_at, webhook_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7,
           CASE WHEN $6 = 'processing' THEN now() + make_interval(secs => $8::double precision / 1000) END,
           CASE WHEN $6 <> 'processing' THEN now() END, $9)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
        [b.idempotencyKey, hash, b.reference, b.amount.amount, b.amount.currency, status, card.reason ?? null, s.slowMs, s.webhookUrl],
      );
      // Lost a race with the same key: the winner's intent is the intent.
      if (!rows[0]) return this.create(b);
      return { intent: view(rows[0]), replayed: false };
    },

    async get(id: string): Promise<PaymentIntent | undefined> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM payment.charges WHERE id = $1`, [id]);
      return rows[0] && view(rows[0]);
    },

    /** Settles processing intents whose time has come; each announces itself by webhook. */
    async settleDue(limit = 50): Promise<number> {
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query(
          `UPDATE payment.charges SET status = 'succeeded', settled_at = now()
           WHERE id IN (SELECT id FROM payment.charges WHERE status = 'processing' AND settle_at <= now()
                        ORDER BY settle_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING ${COLUMNS}`,
          [limit],
        );
        for (const row of rows) await announce(c, row);
        return rows.length;
      });
    },

    /**
     * Gives up on a processing intent: it will never take money. An intent
     * that settled meanwhile is returned as it is (the caller refunds it).
     */
    async cancel(id: string): Promise<PaymentIntent | undefined> {
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query(
          `UPDATE payment.charges SET status = 'canceled', settled_at = now()
           WHERE id = $1 AND status = 'processing' RETURNING ${COLUMNS}`,
          [id],
        );
        if (rows[0]) {
          await announce(c, rows[0]);
          return view(rows[0]);
        }
        const found = await c.query(`SELECT ${COLUMNS} FROM payment.charges WHERE id = $1`, [id]);
        return found.rows[0] && view(found.rows[0]);
      });
    },

    /** Full refund, once ever; refunding again returns the refunded intent. */
    /** Refunds a successful payment, once; `refundedNow` is false for a repeat. */
    async refund(id: string): Promise<{ intent: PaymentIntent; refundedNow: boolean } | undefined> {
      return inTransaction(pool, async (c) => {
        const { rows } = await c.query(`SELECT ${COLUMNS} FROM payment.charges WHERE id = $1 FOR UPDATE`, [id]);
        const row = rows[0];
        if (!row) return undefined;
        if (row.status !== 'succeeded') throw conflict('NOT_REFUNDABLE', `only a successful payment can be refunded (this one is ${row.status})`);
        const refund = await c.query(
          'INSERT INTO payment.refunds (charge_id, amount, currency) VALUES ($1, $2, $3) ON CONFLICT (charge_id) DO NOTHING',
          [id, row.amount, row.currency],
        );
        const updated = await c.query(
          `UPDATE payment.charges SET refunded_at = coalesce(refunded_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
          [id],
        );
        return { intent: view(updated.rows[0]), refundedNow: refund.rowCount === 1 };
      });
    },

    async byReference(reference: string): Promise<PaymentIntent[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM payment.charges WHERE reference = $1 ORDER BY created_at`, [reference]);
      return rows.map(view);
    },
  };
}
export type Provider = ReturnType<typeof createProvider>;
