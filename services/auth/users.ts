import type { ClientBase, Pool } from 'pg';
import type { Role, UserView } from '../../contracts/auth';

/** A pool or a client inside a transaction: stores take either, so a route can group writes. */
export type Db = Pool | ClientBase;

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: Role[];
  created_at: Date;
}

export interface StoredUser extends UserView {
  passwordHash: string;
}

const toUser = (r: UserRow): StoredUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  roles: r.roles,
  createdAt: r.created_at.toISOString(),
  passwordHash: r.password_hash,
});

export function publicUser({ passwordHash: _p, ...user }: StoredUser): UserView {
  return user;
}

/** A role change: the user after it, and whether it changed anything (for the audit log). */
export interface RoleChange {
  user: StoredUser;
  changed: boolean;
}

/** The users table of the auth schema. */
export function createUserStore(pool: Pool) {
  return {
    /** Returns undefined when the email is taken. */
    async insert(db: Db, email: string, name: string, passwordHash: string, roles: Role[] = ['customer']) {
      const { rows } = await db.query<UserRow>(
        `INSERT INTO auth.users (email, name, password_hash, roles) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING *`,
        [email, name, passwordHash, roles],
      );
      return rows[0] && toUser(rows[0]);
    },
    async byEmail(email: string) {
      const { rows } = await pool.query<UserRow>('SELECT * FROM auth.users WHERE email = $1', [email]);
      return rows[0] && toUser(rows[0]);
    },
    async byId(id: string, db: Db = pool) {
      const { rows } = await db.query<UserRow>('SELECT * FROM auth.users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    },
    /** Adds the role unless held; undefined when there is no such user. */
    async addRole(db: Db, id: string, role: Role): Promise<RoleChange | undefined> {
      // The CTE reads the roles before the update (same snapshot), so `changed` is exact under concurrency too.
      const { rows } = await db.query<UserRow & { changed: boolean }>(
        `WITH before AS (SELECT roles FROM auth.users WHERE id = $1 FOR UPDATE)
         UPDATE auth.users u SET roles = CASE WHEN $2 = ANY(b.roles) THEN b.roles ELSE array_append(b.roles, $2) END
         FROM before b WHERE u.id = $1
         RETURNING u.*, NOT ($2 = ANY(b.roles)) AS changed`,
        [id, role],
      );
      return rows[0] && { user: toUser(rows[0]), changed: rows[0].changed };
    },
    /** Removes the role if held; undefined when there is no such user. */
    async removeRole(db: Db, id: string, role: Role): Promise<RoleChange | undefined> {
      const { rows } = await db.query<UserRow & { changed: boolean }>(
        `WITH before AS (SELECT roles FROM auth.users WHERE id = $1 FOR UPDATE)
         UPDATE auth.users u SET roles = array_remove(b.roles, $2)
         FROM before b WHERE u.id = $1
         RETURNING u.*, $2 = ANY(b.roles) AS changed`,
        [id, role],
      );
      return rows[0] && { user: toUser(rows[0]), changed: rows[0].changed };
    },
    /**
     * The configured first admin: created, or given the admin role and the
     * configured password. Says what it changed, so only a real change is audited.
     */
    /** Creates the account with the role, or gives an existing one the role and this password (configured bootstrap accounts). */
    async ensureWithRole(email: string, name: string, passwordHash: string, role: Role): Promise<{ id: string; created: boolean; roleGranted: boolean }> {
      const { rows } = await pool.query<{ id: string; created: boolean; had_role: boolean | null }>(
        `WITH prior AS (SELECT roles FROM auth.users WHERE email = $1)
         INSERT INTO auth.users (email, name, password_hash, roles) VALUES ($1, $2, $3, ARRAY[$4])
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash,
           roles = CASE WHEN $4 = ANY(auth.users.roles) THEN auth.users.roles ELSE array_append(auth.users.roles, $4) END
         RETURNING id, (xmax = 0) AS created, (SELECT $4 = ANY(roles) FROM prior) AS had_role`,
        [email, name, passwordHash, role],
      );
      const row = rows[0]!;
      return { id: row.id, created: row.created, roleGranted: !row.created && row.had_role !== true };
    },
  };
}
export type UserStore = ReturnType<typeof createUserStore>;
