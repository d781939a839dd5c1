import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createTokenVerifier, loadJwks } from '../shared/auth';
import type { Config } from '../shared/config';
import { createPool, migrate } from '../shared/db';
import { listen, type RunningServer } from '../shared/http';
import { createLogger } from '../shared/logger';
import { createBookingApp } from './app';
import { createBookings } from './bookings';
import { createBookingStore } from './store';
import { createRedis } from '../shared/redis';
import { createSeatView } from '../catalog/seat-view';

export async function startBookingService(cfg: Config<'booking'>): Promise<RunningServer> {
  const logger = createLogger('booking', cfg.LOG_LEVEL);
  const jwks = await loadJwks(cfg.AUTH_JWKS_URL);
  const pool = createPool(cfg.DATABASE_URL, cfg.DATABASE_POOL_SIZE);
  await migrate(pool, 'booking', join(__dirname, 'migrations'));
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const store = createBookingStore(pool, cfg.TICKET_SIGNING_KEY);
  const redis = createRedis(cfg.REDIS_URL);
  const app = createBookingApp({
    pool,
    connection,
    store,
    logger,
    serviceToken: cfg.SERVICE_TOKEN,
    verifyToken: createTokenVerifier({ lookup: jwks.lookup, issuer: cfg.JWT_ISSUER, audience: cfg.JWT_AUDIENCE }),
    bookings: createBookings(client, store, {
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      holdTtlMs: cfg.HOLD_TTL_SECONDS * 1000,
      maxSeats: cfg.MAX_SEATS_PER_RESERVATION,
      temporalTimeoutMs: cfg.TEMPORAL_CALL_TIMEOUT_MS,
    }, createSeatView(redis), logger),
  });
  const server = await listen(app, cfg.PORT);
  logger.info({ port: server.port }, 'booking listening');
  return {
    ...server,
    close: async () => {
      await server.close();
      jwks.stop();
      redis.disconnect();
      await connection.close();
      await pool.end();
    },
  };
}
