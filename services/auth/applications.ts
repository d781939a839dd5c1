import type { Pool } from 'pg';
import type { ApplicationStatus, ApplicationView } from '../../contracts/auth';
import type { Db } from './users';

/** Organizer applications: a customer asks, an admin approves (granting `organizer`) or rejects. */

interface ApplicationRow {
  id: string;
  user_id: string;
  organization_name: string;
  details: string;
  status: ApplicationStatus;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
  applicant_email: string;
  applicant_name: string;
}

const toView = (r: ApplicationRow): ApplicationView => ({
  id: r.id,
  status: r.status,
  organizationName: r.organization_name,
  details: r.details,
  applicant: { id: r.user_id, email: r.applicant_email, name: r.applicant_name },
  createdAt: r.created_at.toISOString(),
  decidedAt: r.decided_at?.toISOString() ?? null,
  decidedBy: r.decided_by,
  reason: r.reason,
});

/** An application row with its applicant, from a CTE or table named `a`. */
const WITH_APPLICANT = `SELECT a.*, u.email AS applicant_email, u.name AS applicant_name
  FROM a JOIN auth.users u ON u.id = a.user_id`;

export function createApplicationStore(pool: Pool) {
  return {
    /** Undefined when the user already has a pending application (the partial unique index decides, race-free). */
    async submit(db: Db, userId: string, organizationName: string, details: string) {
      const { rows } = await db.query<ApplicationRow>(
        `WITH a AS (
           INSERT INTO auth.organizer_applications (user_id, organization_name, details) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) WHERE status = 'pending' DO NOTHING RETURNING *)
         ${WITH_APPLICANT}`,
        [userId, organizationName, details],
      );
      return rows[0] && toView(rows[0]);
    },

    /** Newest first. */
    async list(q: { status?: ApplicationStatus; userId?: string; limit: number }): Promise<ApplicationView[]> {
      const { rows } = await pool.query<ApplicationRow>(
        `WITH a AS (
           SELECT * FROM auth.organizer_applications
           WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR user_id = $2)
           ORDER BY created_at DESC, id DESC LIMIT $3)
         ${WITH_APPLICANT} ORDER BY a.created_at DESC, a.id DESC`,
        [q.status ?? null, q.userId ?? null, q.limit],
      );
      return rows.map(toView);
    },

    async byId(db: Db, id: string) {
      const { rows } = await db.query<ApplicationRow>(
        `WITH a AS (SELECT * FROM auth.organizer_applications WHERE id = $1) ${WITH_APPLICANT}`,
        [id],
      );
      return rows[0] && toView(rows[0]);
    },

    /**
     * Decides a pending application; undefined when it is missing or already
     * decided. The status condition makes two concurrent decisions safe:
     * the second finds it no longer pending.
     */
    async decide(db: Db, id: string, by: string, status: 'approved' | 'rejected', reason: string | null) {
      const { rows } = await db.query<ApplicationRow>(
        `WITH a AS (
           UPDATE auth.organizer_applications SET status = $3, decided_at = now(), decided_by = $2, reason = $4
           WHERE id = $1 AND status = 'pending' RETURNING *)
         ${WITH_APPLICANT}`,
        [id, by, status, reason],
      );
      return rows[0] && toView(rows[0]);
    },
  };
}
export type ApplicationStore = ReturnType<typeof createApplicationStore>;
