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
import { normalizeEmail } from '../../contracts/auth';
import { createSessions } from './sessions';
import { createTokenIssuer } from './tokens';
import { createUserStore } from './users';

/** Wires the auth service from its configuration and starts listening (port 0 in tests). */
export function startAuthService(cfg: Config<'auth'>): Promise<RunningServer> {
  return startService('auth', cfg, async ({ logger, database }) => {
    const pool = await database(cfg, 'auth', join(__dirname, 'migrations'));
    const users = createUserStore(pool);
    const audit = createAuditLog(pool);
    // Accounts named by configuration, never by a public call: the first admin, and the operator's organizer account.
    const bootstraps = [
      { email: cfg.BOOTSTRAP_ADMIN_EMAIL, password: cfg.BOOTSTRAP_ADMIN_PASSWORD, name: 'Administrator', role: 'admin' as const, action: 'admin.bootstrapped' as const },
      { email: cfg.BOOTSTRAP_OPERATOR_EMAIL, password: cfg.BOOTSTRAP_OPERATOR_PASSWORD, name: 'EventSale operator', role: 'organizer' as const, action: 'operator.bootstrapped' as const },
    ];
    for (const b of bootstraps) {
      if (!b.email || !b.password) continue;
      // Normalised as a login normalises what it is given, or the account could not sign in.
      const email = normalizeEmail(b.email);
      const account = await users.ensureWithRole(email, b.name, await hashPassword(b.password.normalize('NFKC')), b.role);
      if (account.created || account.roleGranted) {
        await audit.record(pool, { action: b.action, subjectId: account.id, details: { email, created: account.created } });
        logger.info({ email, role: b.role, created: account.created }, 'bootstrap account ensured');
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
