import { createTokenVerifier, loadJwks } from '../shared/auth';
import type { Config } from '../shared/config';
import { listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createRedis } from '../shared/redis';
import { createGatewayApp } from './app';
import { createRateLimits } from './rate-limits';

export async function startGatewayService(cfg: Config<'gateway'>): Promise<RunningServer> {
  const logger = createLogger('gateway', cfg.LOG_LEVEL);
  const jwks = await loadJwks(cfg.AUTH_JWKS_URL);
  const redis = createRedis(cfg.REDIS_URL);
  const stopClients = () => (jwks.stop(), redis.disconnect());
  let app;
  try {
    app = createGatewayApp({
    logger,
    publicUrl: cfg.PUBLIC_URL,
    upstreams: { auth: cfg.AUTH_URL, catalog: cfg.CATALOG_URL, booking: cfg.BOOKING_URL },
    verifyToken: createTokenVerifier({ lookup: jwks.lookup, issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE }),
    rateLimits: createRateLimits({
      redis,
      prefix: cfg.RATE_LIMIT_KEY_PREFIX,
      ipPerMinute: cfg.RATE_LIMIT_IP_PER_MINUTE,
      userPerMinute: cfg.RATE_LIMIT_USER_PER_MINUTE,
      loginPer15Minutes: cfg.RATE_LIMIT_LOGIN_PER_15_MINUTES,
    }),
    corsOrigins: cfg.CORS_ORIGINS,
    maxBodyBytes: cfg.MAX_BODY_BYTES,
    upstreamTimeoutMs: cfg.UPSTREAM_TIMEOUT_MS,
    trustProxy: cfg.TRUST_PROXY,
    });
  } catch (err) {
    stopClients();
    throw err;
  }
  const server = await listen(app, cfg.PORT);
  logger.info({ port: server.port }, 'gateway listening');
  return {
    ...server,
    close: async () => {
      await server.close();
      stopClients();
    },
  };
}
