import type { Pool } from 'pg';
import type { Role } from '../shared/auth';
import type { UserView } from './schemas';

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

/** The data layer of the auth schema. */
export function createUserStore(pool: Pool) {
  return {
    /** Returns undefined when the email is taken. */
    async insert(email: string, name: string, passwordHash: string, roles: Role[] = ['customer']) {
      const { rows } = await pool.query<UserRow>(
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
    async byId(id: string) {
      const { rows } = await pool.query<UserRow>('SELECT * FROM auth.users WHERE id = $1', [id]);
      return rows[0] && toUser(rows[0]);
    },
    async addRole(id: string, role: Role) {
      const { rows } = await pool.query<UserRow>(
        `UPDATE auth.users SET roles = CASE WHEN $2 = ANY(roles) THEN roles ELSE array_append(roles, $2) END
         WHERE id = $1 RETURNING *`,
        [id, role],
      );
      return rows[0] && toUser(rows[0]);
    },
    /** The configured first admin: created, or given the admin role and the configured password. */
    async ensureAdmin(email: string, passwordHash: string) {
      await pool.query(
        `INSERT INTO auth.users (email, name, password_hash, roles) VALUES ($1, 'Administrator', $2, '{admin}')
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash,
           roles = CASE WHEN 'admin' = ANY(auth.users.roles) THEN auth.users.roles ELSE array_append(auth.users.roles, 'admin') END`,
        [email, passwordHash],
      );
    },
  };
}
export type UserStore = ReturnType<typeof createUserStore>;
