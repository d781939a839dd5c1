-- General admission: a session's tier may be a standing area of N places
-- instead of hall sections. Decision: each place is a row of catalog.seats
-- owned by the session (session_id set, section = area, row_label 'GA',
-- number = place number), priced by a session_seats row like any seat. So a
-- GA place IS a seat to everything below: one session_seats row per unit,
-- locked, versioned, mirrored in the Redis view, held/sold all or none by the
-- same statements; no second state table to keep in step. Hall layouts,
-- section checks and layout changes look only at hall seats (session_id IS NULL).
ALTER TABLE seats ADD COLUMN session_id uuid REFERENCES sessions(id);
ALTER TABLE seats DROP CONSTRAINT IF EXISTS seats_hall_id_section_row_label_number_key;
CREATE UNIQUE INDEX seats_hall_place ON seats (hall_id, section, row_label, number) WHERE session_id IS NULL;
CREATE UNIQUE INDEX seats_ga_place ON seats (session_id, section, number) WHERE session_id IS NOT NULL;
-- A GA tier: capacity set, sections = {area}.
ALTER TABLE price_tiers ADD COLUMN capacity int CHECK (capacity IS NULL OR capacity > 0);
