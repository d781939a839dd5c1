-- Every change of a seat's state bumps its version, so the Redis seat view
-- (seat-view.ts) can apply changes arriving out of order and keep the newest.
ALTER TABLE session_seats ADD COLUMN version bigint NOT NULL DEFAULT 0;
