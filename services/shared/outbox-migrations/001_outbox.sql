-- A transactional outbox (services/shared/outbox.ts), applied to the schema of
-- each service that keeps one: a message is written in the same transaction as
-- the change it announces, and a relay delivers it until the receiver accepts.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  -- The relay's name (OUTBOX_QUEUE): deployments sharing one database deliver only their own.
  queue           text NOT NULL,
  topic           text NOT NULL,
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        int NOT NULL DEFAULT 0,
  -- Due from then on; a relay that takes a message moves it past its lease, so a crashed relay's messages come due again.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text
);
CREATE INDEX outbox_due ON outbox (queue, next_attempt_at);
