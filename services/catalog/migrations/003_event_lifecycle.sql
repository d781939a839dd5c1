-- When an event was cancelled (refunds of its bookings start from it).
ALTER TABLE events ADD COLUMN cancelled_at timestamptz;
UPDATE events SET cancelled_at = now() WHERE status = 'cancelled';
ALTER TABLE events ADD CONSTRAINT events_cancelled_at CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL));

-- Organizers' own lists: GET /api/v1/organizer/events (newest first) and GET /api/v1/venues.
CREATE INDEX events_organizer ON events (organizer_id, created_at DESC, id DESC);
CREATE INDEX venues_organizer ON venues (organizer_id, created_at);
CREATE INDEX halls_venue ON halls (venue_id);
