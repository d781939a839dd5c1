-- Who cancelled an event, as the catalog said when it asked for the refund run:
-- each refund of its bookings is audited as done on that organizer's behalf.
CREATE TABLE event_cancellations (
  event_id     uuid PRIMARY KEY,
  requested_by uuid,
  requested_at timestamptz NOT NULL DEFAULT now()
);
