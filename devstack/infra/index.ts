/**
 * Local infrastructure for development (`npm run up`) and tests (jest global
 * setup): a PostgreSQL server, a Redis server and the Temporal dev server,
 * each a plain process on this machine (no container engine needed), one
 * module each beside this facade.
 *
 * - Everything binds 127.0.0.1 only and keeps all of its state, pid files and
 *   logs under `dataDir` (git-ignored `.data/...`).
 * - Servers are started detached, so they outlive the process that started
 *   them; `stopInfra` stops them through their pid files, and `npm run up`
 *   supervises them by their pids (devstack/supervisor.ts).
 * - `startInfra` is idempotent: a server already running from an earlier run
 *   (found through its pid file) is reused, not started twice.
 *
 * Layout of dataDir:
 *   postgres/data        PGDATA (owned by the `postgres` user when we run as root)
 *   postgres/run         unix socket + postgres.log
 *   redis/               redis.pid, redis.log (+ AOF for dev)
 *   temporal/            temporal.pid, temporal.log (+ temporal.db for dev)
 *   kube/                etcd + kube-apiserver, started on demand only (kube.ts)
 */
import fs from 'node:fs';
import type { InfraOptions } from './options';
import { databaseUrl, startPostgres, stopPostgres } from './postgres';
import { defaultLog } from './processes';
import { startRedis, stopRedis } from './redis';
import { stopKube } from './kube';
import { startTemporal, stopTemporal, temporalPid } from './temporal';
import { startTemporalServer, stopTemporalServer, temporalServerPid } from './temporal-server';

export { KUBE_VERSION, startKube, type KubeServer } from './kube';
export { DEV_INFRA_OPTIONS, devInfraOptions, TEST_INFRA_OPTIONS, TOOLS, type InfraOptions } from './options';
export { postgresPid, resetDatabase, startPostgres, stopPostgres } from './postgres';
export { flushRedis, redisPid, startRedis, stopRedis } from './redis';

type Log = (line: string) => void;

/**
 * The Temporal server that `o.temporal` names, as one process: how to start
 * and stop it, find its pid, and the mark of its command line. The real server keeps
 * its history in PostgreSQL (`needsPostgres`): start it once PostgreSQL runs.
 */
export function temporalProcess(o: InfraOptions) {
  return o.temporal === 'server'
    ? { start: (log: Log) => startTemporalServer(o, log), stop: (log: Log) => stopTemporalServer(o, log), pid: () => temporalServerPid(o), cmdline: 'temporal-server', needsPostgres: true }
    : { start: (log: Log) => startTemporal(o, log), stop: (log: Log) => stopTemporal(o, log), pid: () => temporalPid(o), cmdline: 'start-dev', needsPostgres: false };
}

export interface Infra {
  databaseUrl: string;
  redisUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
}

/** The URLs of the servers that `startInfra(o)` runs (pure; starts nothing). */
export function infraUrls(o: InfraOptions): Infra {
  return {
    databaseUrl: databaseUrl(o),
    redisUrl: `redis://127.0.0.1:${o.redisPort}`,
    temporalAddress: `127.0.0.1:${o.temporalPort}`,
    // The real server comes without a web UI (it is a separate program); the dev server serves its own.
  temporalUiUrl: o.temporalUiPort === null || o.temporal === 'server' ? null : `http://localhost:${o.temporalUiPort}`,
  };
}

/** Runs every failing step's error together, so one start reports each server that did not come up. */
async function allOf(steps: Promise<void>[]): Promise<void> {
  const errors = (await Promise.allSettled(steps)).flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new Error(errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
}

export async function startInfra(o: InfraOptions): Promise<Infra> {
  const log = o.log ?? defaultLog;
  fs.mkdirSync(o.dataDir, { recursive: true });
  const temporal = temporalProcess(o);
  if (temporal.needsPostgres) {
    await allOf([startPostgres(o, log), startRedis(o, log)]);
    await temporal.start(log);
  } else {
    // Independent servers: start them side by side.
    await allOf([startPostgres(o, log), startRedis(o, log), temporal.start(log)]);
  }
  return infraUrls(o);
}

export async function stopInfra(o: InfraOptions): Promise<void> {
  const log = o.log ?? defaultLog;
  // Whichever Temporal server ran (each stops only what its pid file names), before its database.
  await allOf([stopTemporal(o, log), stopTemporalServer(o, log), stopRedis(o, log), stopKube(o, log)]);
  await stopPostgres(o, log);
}
