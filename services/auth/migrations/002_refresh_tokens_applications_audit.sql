-- Refresh tokens: opaque to the client, stored only as SHA-256 hashes so a
-- leaked table cannot be replayed. A family is one sign-in and all of its
-- rotations; reuse of a rotated token revokes the whole family.
CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id   uuid NOT NULL,
  token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  replaced_by uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE organizer_applications (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organization_name text NOT NULL,
  details           text NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  decided_at        timestamptz,
  decided_by        uuid REFERENCES users (id) ON DELETE SET NULL,
  reason            text,
  CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- At most one pending application per user, enforced by the database so two
-- concurrent submissions cannot both get in.
CREATE UNIQUE INDEX organizer_applications_one_pending ON organizer_applications (user_id) WHERE status = 'pending';
CREATE INDEX organizer_applications_status_idx ON organizer_applications (status, created_at DESC);
CREATE INDEX organizer_applications_user_idx ON organizer_applications (user_id, created_at DESC);

-- Append-only security log. No foreign keys: entries outlive their users and
-- may name ids that never existed (a failed login for an unknown email).
CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor_id   uuid,
  action     text NOT NULL,
  subject_id uuid,
  ip         text,
  details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, id DESC) WHERE subject_id IS NOT NULL;
