import type { Pool } from 'pg';
import type { NotificationKind } from '../../contracts/domain';
import type { DeliveryStatus, NotificationRequest, NotificationView } from '../../contracts/notification';

/** A message a dispatcher has claimed: it holds the lease until it records the outcome. */
export interface ClaimedMessage {
  id: string;
  attempts: number;
  createdAt: Date;
  request: NotificationRequest;
}

interface MessageRow {
  id: string;
  dedupe_key: string;
  kind: NotificationKind;
  recipient: string;
  reservation_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  sent_at: Date | null;
  smtp_message_id: string | null;
  created_at: Date;
}

const view = (r: MessageRow): NotificationView => ({
  id: r.id,
  dedupeKey: r.dedupe_key,
  kind: r.kind,
  to: r.recipient,
  reservationId: r.reservation_id,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAttemptAt: r.status === 'queued' ? r.next_attempt_at.toISOString() : null,
  sentAt: r.sent_at?.toISOString() ?? null,
  smtpMessageId: r.smtp_message_id,
  createdAt: r.created_at.toISOString(),
});

const COLUMNS = `id, dedupe_key, kind, recipient, reservation_id, status, attempts, last_error,
  next_attempt_at, sent_at, smtp_message_id, created_at`;

export function createMessageStore(pool: Pool, queue: string) {
  return {
    /** Queues a message once per dedupe key; `created` is false when the key was seen before. */
    async enqueue(req: NotificationRequest): Promise<{ message: NotificationView; created: boolean }> {
      const inserted = await pool.query<MessageRow>(
        `INSERT INTO notification.messages (dedupe_key, queue, kind, recipient, reservation_id, request)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING ${COLUMNS}`,
        [req.dedupeKey, queue, req.kind, req.to.email, req.reservation.id, JSON.stringify(req)],
      );
      if (inserted.rows[0]) return { message: view(inserted.rows[0]), created: true };
      const existing = await pool.query<MessageRow>(`SELECT ${COLUMNS} FROM notification.messages WHERE dedupe_key = $1`, [
        req.dedupeKey,
      ]);
      return { message: view(existing.rows[0]!), created: false };
    },

    async byReservation(reservationId: string): Promise<NotificationView[]> {
      const { rows } = await pool.query<MessageRow>(
        `SELECT ${COLUMNS} FROM notification.messages WHERE reservation_id = $1 ORDER BY created_at, id`,
        [reservationId],
      );
      return rows.map(view);
    },

    /**
     * Claims up to `limit` due messages of this queue. SKIP LOCKED lets
     * replicas claim side by side without waiting on each other; the lease
     * (not a held transaction) marks a message as being sent, so no
     * connection stays open during SMTP, and a sender that dies mid-send
     * only delays the message until the lease runs out. The attempt is
     * counted here, so a crash mid-send still counts.
     */
    async claimDue(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
      const { rows } = await pool.query<{ id: string; attempts: number; created_at: Date; request: NotificationRequest }>(
        `UPDATE notification.messages m
            SET lease_until = now() + make_interval(secs => $3::double precision / 1000),
                attempts = m.attempts + 1,
                updated_at = now()
          WHERE m.id IN (
            SELECT id FROM notification.messages
             WHERE queue = $1 AND status = 'queued' AND next_attempt_at <= now()
               AND (lease_until IS NULL OR lease_until < now())
             ORDER BY next_attempt_at
             LIMIT $2
             FOR UPDATE SKIP LOCKED)
          RETURNING m.id, m.attempts, m.created_at, m.request`,
        [queue, limit, leaseMs],
      );
      return rows.map((r) => ({ id: r.id, attempts: r.attempts, createdAt: r.created_at, request: r.request }));
    },

    async markSent(id: string, smtpMessageId: string | null): Promise<void> {
      await pool.query(
        `UPDATE notification.messages
            SET status = 'sent', sent_at = now(), smtp_message_id = $2, lease_until = NULL, last_error = NULL, updated_at = now()
          WHERE id = $1`,
        [id, smtpMessageId],
      );
    },

    /** Records a failed attempt: due again after `retryInMs`, or failed for good when it is undefined. */
    async markAttemptFailed(id: string, error: string, retryInMs: number | undefined): Promise<void> {
      await pool.query(
        `UPDATE notification.messages
            SET status = CASE WHEN $3::double precision IS NULL THEN 'failed' ELSE 'queued' END,
                next_attempt_at = now() + make_interval(secs => coalesce($3::double precision, 0) / 1000),
                last_error = $2, lease_until = NULL, updated_at = now()
          WHERE id = $1`,
        [id, error.slice(0, 2_000), retryInMs ?? null],
      );
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
