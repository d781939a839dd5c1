import type { Pool } from 'pg';
import { inTransaction } from '../shared/db';
import { HttpError, notFound } from '../shared/errors';
import type { AuditLog, RequestContext } from './audit';
import type { IssuedRefreshToken, RefreshTokenStore } from './refresh-tokens';
import type { TokenIssuer } from './tokens';
import { publicUser, type StoredUser, type UserStore } from './users';

export const invalidRefreshToken = () =>
  new HttpError(401, 'INVALID_REFRESH_TOKEN', 'the refresh token is unknown, expired or revoked; sign in again');
export const refreshTokenReused = () =>
  new HttpError(401, 'REFRESH_TOKEN_REUSED', 'this refresh token was already used; every session of this sign-in is revoked, sign in again');

export interface SessionDeps {
  pool: Pool;
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  tokens: TokenIssuer;
  audit: AuditLog;
}

/** Sign-in sessions: the access + refresh token pair, its rotation and its end. */
export function createSessions(d: SessionDeps) {
  const pair = (user: StoredUser, refresh: IssuedRefreshToken) => ({
    accessToken: d.tokens.issueAccessToken(user),
    refreshToken: refresh.token,
    tokenType: 'Bearer' as const,
    expiresIn: d.tokens.accessTtlSeconds,
    user: publicUser(user),
  });

  return {
    /** A new family for a user whose password was just verified. */
    signIn: (user: StoredUser, ctx: RequestContext) =>
      inTransaction(d.pool, async (c) => {
        await d.refreshTokens.pruneExpired(c, user.id);
        const refresh = await d.refreshTokens.issue(c, user.id);
        await d.audit.record(c, { action: 'login.succeeded', actorId: user.id, subjectId: user.id, ip: ctx.ip, details: { familyId: refresh.familyId } });
        return pair(user, refresh);
      }),

    /**
     * Rotation. The new access token carries the roles the user holds now
     * (read in the same transaction), so a grant or revocation shows at the
     * next refresh. A token already used is reuse: its family is revoked and
     * committed before the 401 is thrown.
     */
    async refresh(token: string, ctx: RequestContext) {
      const outcome = await inTransaction(d.pool, async (c) => {
        const claimed = await d.refreshTokens.claim(c, token);
        if (claimed) {
          const user = await d.users.byId(claimed.userId, c);
          if (!user) return { kind: 'invalid' as const };
          const next = await d.refreshTokens.issue(c, user.id, claimed.familyId);
          await d.refreshTokens.linkReplacement(c, claimed.id, next.id);
          await d.audit.record(c, { action: 'token.refreshed', actorId: user.id, subjectId: user.id, ip: ctx.ip, details: { familyId: claimed.familyId } });
          return { kind: 'rotated' as const, result: pair(user, next) };
        }
        // Not claimable. Read committed: a concurrent rotation that won the row lock is visible here as used.
        const found = await d.refreshTokens.find(c, token);
        if (!found?.used) return { kind: 'invalid' as const };
        const revokedTokens = await d.refreshTokens.revokeFamily(c, found.familyId);
        await d.audit.record(c, {
          action: 'refresh.reuse_detected',
          // The presenter is unknown (it may be a thief); the family's owner is the subject.
          subjectId: found.userId,
          ip: ctx.ip,
          details: { familyId: found.familyId, tokenId: found.id, revokedTokens },
        });
        return { kind: 'reused' as const };
      });
      if (outcome.kind === 'reused') throw refreshTokenReused();
      if (outcome.kind === 'invalid') throw invalidRefreshToken();
      return outcome.result;
    },

    /**
     * Ends the sign-in the token belongs to (its whole family). Only the
     * caller's own token: anyone else's, or an unknown one, is a 404, so the
     * answer never tells whether someone else's token exists. Idempotent for
     * the caller's own token, whatever its state.
     */
    logout: (token: string, ctx: RequestContext & { actorId: string }) =>
      inTransaction(d.pool, async (c) => {
        const found = await d.refreshTokens.find(c, token);
        if (!found || found.userId !== ctx.actorId) throw notFound('refresh token');
        const revokedTokens = await d.refreshTokens.revokeFamily(c, found.familyId);
        await d.audit.record(c, { action: 'logout', actorId: ctx.actorId, subjectId: ctx.actorId, ip: ctx.ip, details: { familyId: found.familyId, revokedTokens } });
      }),
  };
}
export type Sessions = ReturnType<typeof createSessions>;
