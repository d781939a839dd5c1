-- A waiting room the booking service opened by itself when the booking path
-- was at capacity (no organizer asked for it, so nobody is its updated_by).
ALTER TABLE waiting_rooms ADD COLUMN opened_on_overflow boolean NOT NULL DEFAULT false;
ALTER TABLE waiting_rooms ALTER COLUMN updated_by DROP NOT NULL;
