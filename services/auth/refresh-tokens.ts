import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './users';

/**
 * Refresh tokens: 32 random bytes (base64url) given to the client once and
 * stored only as their SHA-256, so the table alone cannot sign anyone in.
 * Random 256-bit tokens need no slow hash or salt: nothing to brute-force.
 *
 * A family is one sign-in and its chain of rotations. Each token works once;
 * presenting one that was already used means two parties hold the chain (a
 * thief and the user), so the whole family is revoked and both must sign in.
 */

export const hashRefreshToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export interface IssuedRefreshToken {
  id: string;
  token: string;
  familyId: string;
  expiresAt: Date;
}

/** A token row found by its hash, in whatever state. */
export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  used: boolean;
  revoked: boolean;
  expired: boolean;
}

export function createRefreshTokenStore(ttlSeconds: number) {
  return {
    /** A new token for the user: in a new family (sign-in) or in `familyId` (rotation). */
    async issue(db: Db, userId: string, familyId: string = randomUUID()): Promise<IssuedRefreshToken> {
      const token = randomBytes(32).toString('base64url');
      const { rows } = await db.query<{ id: string; expires_at: Date }>(
        `INSERT INTO auth.refresh_tokens (user_id, family_id, token_hash, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id, expires_at`,
        [userId, familyId, hashRefreshToken(token), ttlSeconds],
      );
      return { id: rows[0]!.id, token, familyId, expiresAt: rows[0]!.expires_at };
    },

    /**
     * Marks a live token used, atomically: of two concurrent claims of one
     * token the row lock lets exactly one through; the other then finds it
     * used and is treated as reuse. Undefined when the token is not live.
     */
    async claim(db: Db, token: string): Promise<{ id: string; userId: string; familyId: string } | undefined> {
      const { rows } = await db.query<{ id: string; user_id: string; family_id: string }>(
        `UPDATE auth.refresh_tokens SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, user_id, family_id`,
        [hashRefreshToken(token)],
      );
      const r = rows[0];
      return r && { id: r.id, userId: r.user_id, familyId: r.family_id };
    },

    /** Links a rotated token to its successor, so a family's chain can be followed. */
    async linkReplacement(db: Db, oldId: string, newId: string): Promise<void> {
      await db.query('UPDATE auth.refresh_tokens SET replaced_by = $2 WHERE id = $1', [oldId, newId]);
    },

    async find(db: Db, token: string): Promise<RefreshTokenRecord | undefined> {
      const { rows } = await db.query<{ id: string; user_id: string; family_id: string; used: boolean; revoked: boolean; expired: boolean }>(
        `SELECT id, user_id, family_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked,
                expires_at <= now() AS expired
         FROM auth.refresh_tokens WHERE token_hash = $1`,
        [hashRefreshToken(token)],
      );
      const r = rows[0];
      return r && { id: r.id, userId: r.user_id, familyId: r.family_id, used: r.used, revoked: r.revoked, expired: r.expired };
    },

    /**
     * Forgets a user's tokens that expired a while ago. Kept for a week past
     * expiry so a late replay is still recognised as reuse rather than unknown.
     * Run at each sign-in: bounded to one user, and needs no scheduler.
     */
    async pruneExpired(db: Db, userId: string): Promise<void> {
      await db.query(`DELETE FROM auth.refresh_tokens WHERE user_id = $1 AND expires_at < now() - interval '7 days'`, [userId]);
    },

    /** Revokes every token of the family not revoked yet; returns how many it revoked. */
    async revokeFamily(db: Db, familyId: string): Promise<number> {
      const { rowCount } = await db.query(
        'UPDATE auth.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
        [familyId],
      );
      return rowCount ?? 0;
    },
  };
}
export type RefreshTokenStore = ReturnType<typeof createRefreshTokenStore>;
