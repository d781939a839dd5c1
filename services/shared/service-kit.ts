import type { RequestListener } from 'node:http';
import type Redis from 'ioredis';
import type { Pool } from 'pg';
import { createTokenVerifier, loadJwks, type VerifyToken } from './auth';
import { createPool, migrate } from './db';
import { listen, type RunningServer } from './http';
import { createLogger, type Logger } from './logger';
import { createRedis } from './redis';
import { sampleRequestLog } from './request-log';
import type { Tracing } from './tracing';

/** What a service's wiring asks for; each resource is closed when the service closes (or fails to start). */
export interface ServiceKit {
  logger: Logger;
  /** A pool on the service's own schema, migrated before it is returned. */
  database(cfg: { DATABASE_URL: string; DATABASE_POOL_SIZE: number }, schema: string, migrationsDir: string): Promise<Pool>;
  redis(url: string): Redis;
  /** The token verifier, with auth's public keys from its JWKS. */
  tokenVerifier(cfg: { AUTH_JWKS_URL: string; JWT_ISSUER: string; JWT_AUDIENCE: string }): Promise<VerifyToken>;
  onClose(fn: () => unknown): void;
  /** Set when OTEL_EXPORTER_OTLP_ENDPOINT is: the service's tracer provider (Temporal's interceptors need it). */
  tracing?: Tracing;
}

/** What every service's config says about its port, logs and traces (services/shared/config.ts). */
export interface KitConfig {
  PORT: number;
  LOG_LEVEL: string;
  LOG_SAMPLE_EVERY?: number;
  LOG_SLOW_MS?: number;
  LOG_FILE?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  SHUTDOWN_GRACE_SECONDS?: number;
}

/**
 * What a graceful shutdown may take beyond the service's SHUTDOWN_GRACE_SECONDS:
 * closing pools and connections once the requests are answered. The
 * manifests' terminationGracePeriodSeconds covers both (test/k8s).
 */
export const SHUTDOWN_CLOSE_MARGIN_SECONDS = 5;

/**
 * Starts one service: `build` wires its app from the kit; the app listens on
 * PORT (0 in tests). Closing stops the server, then everything the wiring
 * opened, newest first; shutting down does the same gracefully: the
 * requests in flight are answered first (for up to SHUTDOWN_GRACE_SECONDS),
 * and the whole takes at most SHUTDOWN_CLOSE_MARGIN_SECONDS more.
 */
export async function startService(
  name: string,
  cfg: KitConfig,
  build: (kit: ServiceKit) => Promise<RequestListener>,
): Promise<RunningServer> {
  const logger = createLogger(name, cfg.LOG_LEVEL, cfg.LOG_FILE);
  sampleRequestLog(logger, { sampleEvery: cfg.LOG_SAMPLE_EVERY, slowMs: cfg.LOG_SLOW_MS });
  const closers: (() => unknown)[] = [];
  // Loaded only with tracing on: off, no SDK is ever required (README, Observability).
  const tracing = cfg.OTEL_EXPORTER_OTLP_ENDPOINT
    ? (require('./tracing') as typeof import('./tracing')).startTracing(name, cfg.OTEL_EXPORTER_OTLP_ENDPOINT)
    : undefined;
  // Registered first, so closed last: the spans of the shutdown itself leave too.
  if (tracing) closers.push(() => tracing.close());
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  const kit: ServiceKit = {
    logger,
    async database(c, schema, migrationsDir) {
      const pool = createPool(c.DATABASE_URL, c.DATABASE_POOL_SIZE);
      closers.push(() => pool.end());
      await migrate(pool, schema, migrationsDir);
      return pool;
    },
    redis(url) {
      const redis = createRedis(url);
      closers.push(() => redis.disconnect());
      return redis;
    },
    async tokenVerifier(c) {
      const jwks = await loadJwks(c.AUTH_JWKS_URL);
      closers.push(() => jwks.stop());
      return createTokenVerifier({ lookup: jwks.lookup, issuer: c.JWT_ISSUER, audience: c.JWT_AUDIENCE });
    },
    onClose: (fn) => void closers.push(fn),
    ...(tracing ? { tracing } : {}),
  };
  const graceSeconds = cfg.SHUTDOWN_GRACE_SECONDS ?? 0;
  try {
    const server = await listen(await build(kit), cfg.PORT, '0.0.0.0', graceSeconds * 1000);
    logger.info({ port: server.port }, `${name} listening`);
    return {
      ...server,
      close: async () => {
        await server.close();
        await closeAll();
      },
      shutdown: async () => {
        logger.info({ graceSeconds }, `${name} draining: /readyz answers 503, new connections are refused`);
        const stopping = (async () => {
          const { cut } = await server.shutdown();
          if (cut) logger.warn({ cut }, `${cut} requests still unanswered after ${graceSeconds} s were cut`);
          await closeAll();
          return { cut };
        })();
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${name} did not stop within ${graceSeconds + SHUTDOWN_CLOSE_MARGIN_SECONDS} s`)), (graceSeconds + SHUTDOWN_CLOSE_MARGIN_SECONDS) * 1000);
        });
        try {
          const result = await Promise.race([stopping, late]);
          logger.info(`${name} stopped`);
          return result;
        } finally {
          clearTimeout(timer);
        }
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
