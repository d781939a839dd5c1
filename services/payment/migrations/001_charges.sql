CREATE TABLE charges (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key text NOT NULL UNIQUE,
  -- sha256 of the request body: the same key with another body is refused
  request_hash    text NOT NULL,
  reference       text NOT NULL,
  amount          numeric(12, 2) NOT NULL,
  currency        char(3) NOT NULL,
  status          text NOT NULL CHECK (status IN ('succeeded', 'declined')),
  decline_reason  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  refunded_at     timestamptz
);
CREATE INDEX charges_reference ON charges (reference);
