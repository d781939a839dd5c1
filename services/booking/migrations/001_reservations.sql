-- The read model of booking workflows. The workflow is the truth of a
-- booking's progress; these rows are written by its activities so that
-- lists and lookups never have to ask Temporal.
CREATE TABLE reservations (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL,
  session_id   uuid NOT NULL,
  status       text NOT NULL CHECK (status IN ('active', 'confirmed', 'expired', 'cancelled')),
  seats        jsonb NOT NULL,
  total_amount numeric(12, 2) NOT NULL,
  currency     char(3) NOT NULL,
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  charge_id    uuid
);
CREATE INDEX reservations_user ON reservations (user_id, created_at DESC);

CREATE TABLE tickets (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reservation_id uuid NOT NULL REFERENCES reservations(id),
  user_id        uuid NOT NULL,
  session_id     uuid NOT NULL,
  seat_id        uuid NOT NULL,
  seat           jsonb NOT NULL,
  code           text NOT NULL UNIQUE,
  status         text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'void')),
  issued_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (reservation_id, seat_id)
);
-- A second line of defence behind the catalog: one valid ticket per seat.
CREATE UNIQUE INDEX tickets_one_valid_per_seat ON tickets (session_id, seat_id) WHERE status = 'valid';
CREATE INDEX tickets_user ON tickets (user_id, issued_at DESC);
