import { join } from 'node:path';
import { createTokenVerifier } from '../shared/auth';
import type { Config } from '../shared/config';
import { createPool, migrate } from '../shared/db';
import { listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createAuthApp } from './app';
import { hashPassword } from './passwords';
import { createTokenIssuer } from './tokens';
import { createUserStore } from './users';

/** Wires the auth service from its configuration and starts listening (port 0 in tests). */
export async function startAuthService(cfg: Config<'auth'>): Promise<RunningServer> {
  const logger = createLogger('auth', cfg.LOG_LEVEL);
  const pool = createPool(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
  await migrate(pool, 'auth', join(__dirname, 'migrations'));
  const users = createUserStore(pool);
  if (cfg.BOOTSTRAP_ADMIN_EMAIL && cfg.BOOTSTRAP_ADMIN_PASSWORD) {
    await users.ensureAdmin(cfg.BOOTSTRAP_ADMIN_EMAIL.toLowerCase(), await hashPassword(cfg.BOOTSTRAP_ADMIN_PASSWORD));
  }
  const app = createAuthApp({
    pool,
    users,
    logger,
    tokens: createTokenIssuer({
      privateKey: cfg.JWT_PRIVATE_KEY,
      issuer: cfg.JWT_ISSUER,
      audience: cfg.JWT_AUDIENCE,
      accessTtlSeconds: cfg.ACCESS_TOKEN_TTL_SECONDS,
    }),
    verifyToken: createTokenVerifier({ publicKey: cfg.JWT_PUBLIC_KEY, issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE }),
  });
  const server = await listen(app, cfg.PORT);
  logger.info({ port: server.port }, 'auth listening');
  return { ...server, close: async () => (await server.close(), await pool.end()) };
}
