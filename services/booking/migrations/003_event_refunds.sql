-- Tickets carry their event: the QR code is signed with a per-event key, the
-- door checks the event, and an event's cancellation voids its tickets.
ALTER TABLE reservations ADD COLUMN event_id uuid;
ALTER TABLE tickets ADD COLUMN event_id uuid;
CREATE INDEX tickets_event ON tickets (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX reservations_session ON reservations (session_id, status);

-- A confirmed booking refunded (its event cancelled) ends as 'refunded'; its tickets are void.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
  CHECK (status IN ('active', 'confirmed', 'expired', 'cancelled', 'refunded'));
ALTER TABLE reservations ADD COLUMN refunded_at timestamptz;
ALTER TABLE tickets ADD COLUMN voided_at timestamptz;
ALTER TABLE tickets ADD COLUMN void_reason text;
