-- One row per admitted ticket: the primary key is what makes "admit exactly
-- once" true under simultaneous scans at several doors (INSERT ... ON
-- CONFLICT DO NOTHING: the database, not the scanners, decides who was first).
CREATE TABLE admissions (
  ticket_id   uuid PRIMARY KEY,
  event_id    uuid NOT NULL,
  session_id  uuid NOT NULL,
  admitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  door        text,
  staff_id    uuid NOT NULL
);
CREATE INDEX admissions_event ON admissions (event_id, session_id);

-- Every scan attempt, whatever its outcome: the door's audit trail.
-- ticket_id/event_id are set only when the code's signature verified
-- (a forged code's claims are not worth recording as facts).
CREATE TABLE scans (
  id         bigserial PRIMARY KEY,
  scanned_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ticket_id  uuid,
  event_id   uuid,
  door       text,
  staff_id   uuid NOT NULL,
  result     text NOT NULL CHECK (result IN ('admitted', 'already_checked_in', 'invalid', 'forbidden')),
  reason     text
);
CREATE INDEX scans_ticket ON scans (ticket_id, scanned_at) WHERE ticket_id IS NOT NULL;
CREATE INDEX scans_event ON scans (event_id, scanned_at) WHERE event_id IS NOT NULL;
