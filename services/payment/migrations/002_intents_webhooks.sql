-- Charges become payment intents: a slow card answers 'processing' at once and
-- settles later (settle_at), announced to the booking side by a signed webhook.
ALTER TABLE charges DROP CONSTRAINT charges_status_check;
ALTER TABLE charges ADD CONSTRAINT charges_status_check
  CHECK (status IN ('processing', 'succeeded', 'declined', 'canceled'));
ALTER TABLE charges ADD COLUMN settle_at timestamptz;
ALTER TABLE charges ADD COLUMN settled_at timestamptz;
-- The merchant's webhook endpoint, as the provider knew it when the intent was created.
ALTER TABLE charges ADD COLUMN webhook_url text;
CREATE INDEX charges_due ON charges (settle_at) WHERE status = 'processing';

-- One full refund per charge, ever: the unique key is the guarantee.
CREATE TABLE refunds (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  charge_id  uuid NOT NULL UNIQUE REFERENCES charges(id),
  amount     numeric(12, 2) NOT NULL,
  currency   char(3) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- tok_error's transient failures, counted per idempotency key.
CREATE TABLE transient_failures (
  idempotency_key text PRIMARY KEY,
  failures        integer NOT NULL
);

-- The webhook outbox: written in the transaction that settles the intent,
-- delivered until the receiver answers 2xx.
CREATE TABLE webhook_deliveries (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  charge_id       uuid NOT NULL REFERENCES charges(id),
  event_type      text NOT NULL,
  url             text NOT NULL,
  payload         jsonb NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  last_error      text,
  UNIQUE (charge_id, event_type)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL;
