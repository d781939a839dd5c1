import { join } from 'node:path';
import { createTokenVerifier } from '../shared/auth';
import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createAuthApp } from './app';
import { createApplicationStore } from './applications';
import { createAuditLog } from './audit';
import { hashPassword } from './passwords';
import { createRefreshTokenStore } from './refresh-tokens';
import { normalizeEmail } from './schemas';
import { createSessions } from './sessions';
import { createTokenIssuer } from './tokens';
import { createUserStore } from './users';

/** Wires the auth service from its configuration and starts listening (port 0 in tests). */
export function startAuthService(cfg: Config<'auth'>): Promise<RunningServer> {
  return startService('auth', cfg, async ({ logger, database }) => {
    const pool = await database(cfg, 'auth', join(__dirname, 'migrations'));
    const users = createUserStore(pool);
    const audit = createAuditLog(pool);
    if (cfg.BOOTSTRAP_ADMIN_EMAIL && cfg.BOOTSTRAP_ADMIN_PASSWORD) {
      // Normalised as a login normalises what it is given, or the admin could not sign in.
      const email = normalizeEmail(cfg.BOOTSTRAP_ADMIN_EMAIL);
      const admin = await users.ensureAdmin(email, await hashPassword(cfg.BOOTSTRAP_ADMIN_PASSWORD.normalize('NFKC')));
      if (admin.created || admin.roleGranted) {
        await audit.record(pool, { action: 'admin.bootstrapped', subjectId: admin.id, details: { email, created: admin.created } });
        logger.info({ email, created: admin.created }, 'bootstrap admin ensured');
      }
    }
    const tokens = createTokenIssuer({
      privateKey: cfg.JWT_PRIVATE_KEY,
      issuer: cfg.JWT_ISSUER,
      audience: cfg.JWT_AUDIENCE,
      accessTtlSeconds: cfg.ACCESS_TOKEN_TTL_SECONDS,
    });
    const refreshTokens = createRefreshTokenStore(cfg.REFRESH_TOKEN_TTL_SECONDS);
    return createAuthApp({
      pool,
      users,
      audit,
      tokens,
      sessions: createSessions({ pool, users, refreshTokens, tokens, audit }),
      serviceToken: cfg.SERVICE_TOKEN,
      applications: createApplicationStore(pool),
      logger,
      verifyToken: createTokenVerifier({ lookup: tokens.lookup, issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE }),
    });
  });
}
