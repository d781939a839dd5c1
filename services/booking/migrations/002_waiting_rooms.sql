-- Flash-sale waiting rooms: the organizer's settings per session (the truth;
-- Redis holds a short-lived mirror for the reservation hot path, and the
-- queue itself). The gate admits base_admitted buyers at base_at, then
-- admissions_per_minute more per minute; a rate change re-bases it so that
-- nobody already admitted is un-admitted. generation changes each time the
-- room is (re-)enabled: a new generation is a new, empty queue.
CREATE TABLE waiting_rooms (
  session_id            uuid PRIMARY KEY,
  enabled               boolean NOT NULL,
  admissions_per_minute integer NOT NULL CHECK (admissions_per_minute BETWEEN 1 AND 100000),
  generation            bigint NOT NULL,
  base_admitted         bigint NOT NULL,
  base_at               timestamptz NOT NULL,
  updated_by            uuid NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now()
);
