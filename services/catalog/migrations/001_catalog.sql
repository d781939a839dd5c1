CREATE TABLE venues (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organizer_id uuid NOT NULL,
  name         text NOT NULL,
  city         text NOT NULL,
  address      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE halls (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  venue_id   uuid NOT NULL REFERENCES venues(id),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE seats (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hall_id   uuid NOT NULL REFERENCES halls(id),
  section   text NOT NULL,
  row_label text NOT NULL,
  number    int  NOT NULL,
  -- layout order (section, row, seat) so seat maps list seats as they stand
  ordinal   int  NOT NULL,
  UNIQUE (hall_id, section, row_label, number)
);
CREATE INDEX seats_hall ON seats (hall_id, ordinal);

CREATE TABLE events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organizer_id uuid NOT NULL,
  title        text NOT NULL,
  description  text NOT NULL DEFAULT '',
  category     text NOT NULL,
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX events_listing ON events (status, created_at);

CREATE TABLE sessions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id   uuid NOT NULL REFERENCES events(id),
  hall_id    uuid NOT NULL REFERENCES halls(id),
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_event ON sessions (event_id, starts_at);
CREATE INDEX sessions_hall ON sessions (hall_id, starts_at);

CREATE TABLE price_tiers (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES sessions(id),
  name       text NOT NULL,
  price      numeric(12, 2) NOT NULL CHECK (price >= 0),
  currency   char(3) NOT NULL,
  sections   text[] NOT NULL,
  UNIQUE (session_id, name)
);

-- The truth of seat state. A 'held' seat whose held_until has passed is
-- available: every reader and the hold statement treat it so, so a hold
-- lapses on time even when no worker is running.
CREATE TABLE session_seats (
  session_id     uuid NOT NULL REFERENCES sessions(id),
  seat_id        uuid NOT NULL REFERENCES seats(id),
  tier_id        uuid NOT NULL REFERENCES price_tiers(id),
  status         text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'held', 'sold')),
  reservation_id uuid,
  held_until     timestamptz,
  sold_at        timestamptz,
  PRIMARY KEY (session_id, seat_id),
  CHECK ((status = 'available') = (reservation_id IS NULL)),
  CHECK (status <> 'held' OR held_until IS NOT NULL)
);
CREATE INDEX session_seats_reservation ON session_seats (reservation_id) WHERE reservation_id IS NOT NULL;
