/** The local Redis server: daemonized, loopback only; dev keeps an append-only file, tests none. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { InfraOptions } from './options';
import { assertPortFree, livePid, STOP_TIMEOUT_MS, tail, terminate, waitFor } from './processes';

/** FLUSHALL on the Redis server of `o` (test infrastructure). */
export async function flushRedis(o: InfraOptions): Promise<void> {
  const r = new Redis({ host: '127.0.0.1', port: o.redisPort, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    await r.flushall();
  } finally {
    r.disconnect();
  }
}

function redisPaths(o: InfraOptions) {
  const dir = path.join(o.dataDir, 'redis');
  return { dir, pidFile: path.join(dir, 'redis.pid'), logFile: path.join(dir, 'redis.log') };
}

export async function startRedis(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = redisPaths(o);
  fs.mkdirSync(p.dir, { recursive: true });
  const pid = livePid(p.pidFile, 'redis-server');
  if (pid) {
    log(`Redis already running on 127.0.0.1:${o.redisPort}`);
  } else {
    fs.rmSync(p.pidFile, { force: true });
    await assertPortFree(o.redisPort, 'Redis');
    log(`starting Redis on 127.0.0.1:${o.redisPort}`);
    const args = [
      '--port', String(o.redisPort),
      '--bind', '127.0.0.1',
      '--daemonize', 'yes',
      '--dir', p.dir,
      '--pidfile', p.pidFile,
      '--logfile', p.logFile,
      '--save', '',
      // Dev keeps an append-only file so a restart keeps the waiting room and
      // caches consistent with PostgreSQL; tests start empty anyway.
      '--appendonly', o.fast ? 'no' : 'yes',
    ];
    const r = spawnSync('redis-server', args, { cwd: p.dir, encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run redis-server: ${r.error.message}`);
    if (r.status !== 0) {
      throw new Error(`redis-server failed:\n${r.stdout}${r.stderr}\n--- ${p.logFile} ---\n${tail(p.logFile)}`);
    }
  }
  await waitFor(`Redis on 127.0.0.1:${o.redisPort}`, p.logFile, async () => {
    const r = new Redis({
      host: '127.0.0.1',
      port: o.redisPort,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2000,
    });
    r.on('error', () => undefined);
    try {
      await r.connect();
      const pong = await r.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    } finally {
      r.disconnect();
    }
  });
}

/** The server's pid, from its pid file (null when it is not running). */
export function redisPid(o: InfraOptions): number | null {
  return livePid(redisPaths(o).pidFile, 'redis-server');
}

export async function stopRedis(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = redisPaths(o);
  const pid = livePid(p.pidFile, 'redis-server');
  if (pid) {
    log(`stopping Redis on 127.0.0.1:${o.redisPort}`);
    await terminate(pid, { timeoutMs: STOP_TIMEOUT_MS });
  }
  fs.rmSync(p.pidFile, { force: true });
}

