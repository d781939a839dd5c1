import { Runtime, type LogLevel, type LogMetadata, type Logger as SdkLogger } from '@temporalio/worker';
import type { Config } from '../shared/config';
import { createLogger, type Logger } from '../shared/logger';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** The SDK's Logger interface over a pino logger: the worker's and the SDK's lines are one stream, in one format. */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[PINO_LEVEL[level]](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * The process's Temporal Runtime (once per process, before any worker):
 * its logs through the worker's pino logger, quiet as before (the SDK logs
 * every state change at INFO: WARN unless LOG_LEVEL is debug or trace), and
 * its metrics (task latencies, slots, sticky cache) on a loopback Prometheus
 * exporter that the worker's /metrics serves (worker-metrics.ts).
 */
export function installSdkRuntime(cfg: Config<'worker'>): void {
  const chatty = cfg.LOG_LEVEL === 'debug' || cfg.LOG_LEVEL === 'trace';
  const logger = createLogger('worker', cfg.LOG_LEVEL === 'silent' ? 'silent' : chatty ? cfg.LOG_LEVEL : 'warn', cfg.LOG_FILE).child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: sdkLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN' }, forward: {} },
      ...(cfg.TEMPORAL_METRICS_PORT
        ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${cfg.TEMPORAL_METRICS_PORT}`, useSecondsForDurations: true } } }
        : {}),
    },
  });
}
