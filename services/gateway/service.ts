import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createGatewayApp } from './app';
import { createRateLimits } from './rate-limits';

export function startGatewayService(cfg: Config<'gateway'>): Promise<RunningServer> {
  return startService('gateway', cfg, async (kit) =>
    createGatewayApp({
      logger: kit.logger,
      publicUrl: cfg.PUBLIC_URL,
      upstreams: { auth: cfg.AUTH_URL, catalog: cfg.CATALOG_URL, booking: cfg.BOOKING_URL, checkin: cfg.CHECKIN_URL },
      verifyToken: await kit.tokenVerifier(cfg),
      rateLimits: createRateLimits({
        redis: kit.redis(cfg.REDIS_URL),
        prefix: cfg.RATE_LIMIT_KEY_PREFIX,
        ipPerMinute: cfg.RATE_LIMIT_IP_PER_MINUTE,
        userPerMinute: cfg.RATE_LIMIT_USER_PER_MINUTE,
        loginPer15Minutes: cfg.RATE_LIMIT_LOGIN_PER_15_MINUTES,
      }),
      corsOrigins: cfg.CORS_ORIGINS,
      maxBodyBytes: cfg.MAX_BODY_BYTES,
      upstreamTimeoutMs: cfg.UPSTREAM_TIMEOUT_MS,
      trustProxy: cfg.TRUST_PROXY,
      webAppDir: cfg.WEB_APP_DIR,
    }),
  );
}
