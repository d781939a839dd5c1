import { createTokenVerifier } from '../shared/auth';
import type { Config } from '../shared/config';
import { listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createGatewayApp } from './app';

export async function startGatewayService(cfg: Config<'gateway'>): Promise<RunningServer> {
  const logger = createLogger('gateway', cfg.LOG_LEVEL);
  const app = createGatewayApp({
    logger,
    publicUrl: cfg.PUBLIC_URL,
    upstreams: { auth: cfg.AUTH_URL, catalog: cfg.CATALOG_URL, booking: cfg.BOOKING_URL },
    verifyToken: createTokenVerifier({ publicKey: cfg.JWT_PUBLIC_KEY, issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE }),
  });
  const server = await listen(app, cfg.PORT);
  logger.info({ port: server.port }, 'gateway listening');
  return server;
}
