import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { conflict, HttpError } from '../shared/errors';
import type { Charge, ChargeBody } from './schemas';

/**
 * The mock provider's card network: what each test token does.
 * tok_error fails before anything is recorded, so a retry can succeed.
 */
export const TOKENS: Record<string, { outcome: 'succeed' | 'decline' | 'error'; delayMs?: number; reason?: string }> = {
  tok_visa: { outcome: 'succeed' },
  tok_mastercard: { outcome: 'succeed' },
  tok_slow: { outcome: 'succeed', delayMs: 3_000 },
  tok_declined: { outcome: 'decline', reason: 'card_declined' },
  tok_insufficient_funds: { outcome: 'decline', reason: 'insufficient_funds' },
  tok_error: { outcome: 'error' },
};

const view = (r: any): Charge => ({
  id: r.id,
  reference: r.reference,
  amount: { amount: r.amount, currency: r.currency },
  status: r.status,
  declineReason: r.decline_reason,
  createdAt: r.created_at.toISOString(),
  refundedAt: r.refunded_at?.toISOString() ?? null,
});

const COLUMNS = 'id, reference, amount::text AS amount, currency, status, decline_reason, created_at, refunded_at, request_hash';

export function createProvider(pool: Pool, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))) {
  async function byKey(key: string) {
    const { rows } = await pool.query(`SELECT ${COLUMNS} FROM payment.charges WHERE idempotency_key = $1`, [key]);
    return rows[0];
  }

  return {
    /** Charges once per idempotency key; a replay returns the first outcome. */
    async charge(b: ChargeBody): Promise<{ charge: Charge; replayed: boolean }> {
      const hash = createHash('sha256')
        .update(JSON.stringify([b.reference, b.amount.amount, b.amount.currency, b.token]))
        .digest('hex');
      const existing = await byKey(b.idempotencyKey);
      if (existing) {
        if (existing.request_hash !== hash) {
          throw conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used with a different request');
        }
        return { charge: view(existing), replayed: true };
      }
      const card = TOKENS[b.token] ?? { outcome: 'decline', reason: 'invalid_token' };
      if (card.delayMs) await sleep(card.delayMs);
      if (card.outcome === 'error') throw new HttpError(503, 'PROVIDER_UNAVAILABLE', 'the card network did not answer; retry');
      const { rows } = await pool.query(
        `INSERT INTO payment.charges (idempotency_key, request_hash, reference, amount, currency, status, decline_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
        [b.idempotencyKey, hash, b.reference, b.amount.amount, b.amount.currency,
          card.outcome === 'succeed' ? 'succeeded' : 'declined', card.reason ?? null],
      );
      // Lost a race with the same key: the winner's outcome is the outcome.
      if (!rows[0]) return this.charge(b);
      return { charge: view(rows[0]), replayed: false };
    },

    /** Full refund; refunding twice is a no-op that returns the refunded charge. */
    async refund(chargeId: string): Promise<Charge | undefined> {
      const { rows } = await pool.query(
        `UPDATE payment.charges SET refunded_at = coalesce(refunded_at, now())
         WHERE id = $1 AND status = 'succeeded' RETURNING ${COLUMNS}`,
        [chargeId],
      );
      if (rows[0]) return view(rows[0]);
      const { rowCount } = await pool.query('SELECT 1 FROM payment.charges WHERE id = $1', [chargeId]);
      if (rowCount) throw conflict('NOT_REFUNDABLE', 'only a successful charge can be refunded');
      return undefined;
    },

    async byReference(reference: string): Promise<Charge[]> {
      const { rows } = await pool.query(`SELECT ${COLUMNS} FROM payment.charges WHERE reference = $1 ORDER BY created_at`, [reference]);
      return rows.map(view);
    },
  };
}
export type Provider = ReturnType<typeof createProvider>;
