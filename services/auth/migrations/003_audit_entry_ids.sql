-- Entries appended by other services (POST /internal/audit-log) carry their own
-- id: they come through an outbox, at least once, and are recorded once.
ALTER TABLE audit_log ADD COLUMN entry_id uuid UNIQUE;
