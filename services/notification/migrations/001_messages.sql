-- One row per email: the request that asked for it and its delivery log.
CREATE TABLE messages (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the caller's idempotency key: the same key never sends twice
  dedupe_key      text NOT NULL UNIQUE,
  -- which dispatchers may send it (NOTIFY_QUEUE of the service that accepted it)
  queue           text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('confirmed', 'expired', 'cancelled', 'refunded')),
  recipient       text NOT NULL,
  reservation_id  text NOT NULL,
  request         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- set while one dispatcher is sending: others skip it until the lease runs out (a crashed sender)
  lease_until     timestamptz,
  sent_at         timestamptz,
  smtp_message_id text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_due ON messages (queue, next_attempt_at) WHERE status = 'queued';
CREATE INDEX messages_reservation ON messages (reservation_id, created_at);
