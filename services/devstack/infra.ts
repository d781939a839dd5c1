/**
 * Local infrastructure for development (`npm run up`) and tests (jest global
 * setup): a PostgreSQL server, a Redis server and the Temporal dev server,
 * each a plain process on this machine (no container engine needed).
 *
 * - Everything binds 127.0.0.1 only and keeps all of its state, pid files and
 *   logs under `dataDir` (git-ignored `.data/...`).
 * - Servers are started detached, so they outlive the process that started
 *   them; `stopInfra` stops them through their pid files.
 * - `startInfra` is idempotent: a server already running from an earlier run
 *   (found through its pid file) is reused, not started twice.
 *
 * Layout of dataDir:
 *   postgres/data        PGDATA (owned by the `postgres` user when we run as root)
 *   postgres/run         unix socket + postgres.log
 *   redis/               redis.pid, redis.log (+ AOF for dev)
 *   temporal/            temporal.pid, temporal.log (+ temporal.db for dev)
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../shared/repo-root';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

export interface InfraOptions {
  dataDir: string;
  pgPort: number;
  redisPort: number;
  temporalPort: number;
  /** null: run the Temporal dev server headless (no Web UI). */
  temporalUiPort: number | null;
  /**
   * Test mode: PostgreSQL without fsync/synchronous_commit/full_page_writes,
   * Redis without persistence and Temporal in memory (no SQLite file).
   * Never use for data you want to keep.
   */
  fast?: boolean;
  /** Progress lines; defaults to console.log with an `[infra]` prefix. */
  log?: (line: string) => void;
}

export interface Infra {
  databaseUrl: string;
  redisUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
}

export { REPO_ROOT };

/** Project-local tools installed by services/devstack/install-tools.sh. */
export const TOOLS = {
  temporal: path.join(REPO_ROOT, '.tools', 'bin', 'temporal'),
  testServer: path.join(REPO_ROOT, '.tools', 'bin', 'temporal-test-server'),
} as const;

/** Custom search attributes of booking workflows, registered on every dev server we start. */
export const SEARCH_ATTRIBUTES = {
  BookingStatus: 'Keyword',
  BookingSessionId: 'Keyword',
  BookingUserId: 'Keyword',
  BookingExpiresAt: 'Datetime',
} as const;

// Local-development default credentials (never used outside this machine's
// loopback PostgreSQL; deployments get theirs from a Secret).
export const PG_USER = 'ticketing';
export const PG_PASSWORD = 'ticketing';
export const PG_DATABASE = 'ticketing';
const PG_SUPERUSER = 'postgres';

// Every port sits below the kernel's ephemeral range (32768-60999 here): a
// port inside it can be taken by any outgoing connection, and the server
// then fails to bind.
export const DEV_INFRA_OPTIONS: InfraOptions = {
  dataDir: path.join(REPO_ROOT, '.data', 'dev'),
  pgPort: 15432,
  redisPort: 16379,
  temporalPort: 7233,
  temporalUiPort: 8233,
};

/**
 * Test ports differ from the dev ones, so `npm test` can run while `npm run up` does.
 * TEST_PORT_OFFSET (e.g. 100) moves them, so test runs of two checkouts on one machine do not meet.
 */
const TEST_PORT_OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
export const TEST_INFRA_OPTIONS: InfraOptions = {
  dataDir: path.join(REPO_ROOT, '.data', 'test'),
  pgPort: 15433 + TEST_PORT_OFFSET,
  redisPort: 16380 + TEST_PORT_OFFSET,
  temporalPort: 17233 + TEST_PORT_OFFSET,
  temporalUiPort: null,
  fast: true,
};

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** The URLs of the servers that `startInfra(o)` runs (pure; starts nothing). */
export function infraUrls(o: InfraOptions): Infra {
  return {
    databaseUrl: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${o.pgPort}/${PG_DATABASE}`,
    redisUrl: `redis://127.0.0.1:${o.redisPort}`,
    temporalAddress: `127.0.0.1:${o.temporalPort}`,
    temporalUiUrl: o.temporalUiPort === null ? null : `http://localhost:${o.temporalUiPort}`,
  };
}

export async function startInfra(o: InfraOptions): Promise<Infra> {
  const log = o.log ?? defaultLog;
  fs.mkdirSync(o.dataDir, { recursive: true });
  // Independent servers: start them side by side, and report every failure.
  const results = await Promise.allSettled([startPostgres(o, log), startRedis(o, log), startTemporal(o, log)]);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new Error(errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
  }
  return infraUrls(o);
}

export async function stopInfra(o: InfraOptions): Promise<void> {
  const log = o.log ?? defaultLog;
  const results = await Promise.allSettled([stopTemporal(o, log), stopRedis(o, log), stopPostgres(o, log)]);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length) {
    throw new Error(errors.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
  }
}

/**
 * Drops every database owned by the `ticketing` role (the main one and any a
 * test created for itself) and recreates an empty `ticketing` database.
 * For the test infrastructure; the server must be running.
 */
export async function resetDatabase(o: InfraOptions): Promise<void> {
  await withSuperuser(o, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
        WHERE r.rolname = $1 AND NOT d.datistemplate`,
      [PG_USER],
    );
    for (const { datname } of rows) {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE ${quoteIdent(PG_DATABASE)} OWNER ${quoteIdent(PG_USER)}`);
  });
}

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

// ---------------------------------------------------------------------------
// PostgreSQL

interface PgPaths {
  base: string;
  data: string;
  run: string;
  socketDir: string;
  logFile: string;
}

function pgPaths(o: InfraOptions): PgPaths {
  const base = path.join(o.dataDir, 'postgres');
  const run = path.join(base, 'run');
  // A unix socket path is limited to ~107 bytes; a deep checkout falls back to /tmp.
  const socketDir =
    path.join(run, `.s.PGSQL.${o.pgPort}`).length < 100 ? run : path.join(os.tmpdir(), `ticketing-pg-${o.pgPort}`);
  return { base, data: path.join(base, 'data'), run, socketDir, logFile: path.join(run, 'postgres.log') };
}

let pgBinDirCache: string | undefined;

/** The directory holding pg_ctl, initdb and postgres: from PATH, else Debian's /usr/lib/postgresql/N/bin. */
export function pgBinDir(): string {
  if (pgBinDirCache) return pgBinDirCache;
  const complete = (dir: string) => ['pg_ctl', 'initdb', 'postgres'].every((t) => isExecutable(path.join(dir, t)));
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'pg_ctl');
    if (dir && isExecutable(p)) candidates.push(path.dirname(fs.realpathSync(p)));
  }
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(debian, v, 'bin'));
  }
  const found = candidates.find(complete);
  if (!found) {
    throw new Error('PostgreSQL server binaries not found (run bash services/devstack/install-tools.sh)');
  }
  pgBinDirCache = found;
  return found;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function pgCommand(tool: string, args: string[]): { cmd: string; args: string[] } {
  const bin = path.join(pgBinDir(), tool);
  return isRoot ? { cmd: 'runuser', args: ['-u', PG_SUPERUSER, '--', bin, ...args] } : { cmd: bin, args };
}

function runPg(tool: string, args: string[], cwd: string): { status: number | null; output: string } {
  const { cmd, args: a } = pgCommand(tool, args);
  const r = spawnSync(cmd, a, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function postgresIds(): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${PG_SUPERUSER}:`));
  const parts = line?.split(':');
  if (!parts || parts.length < 4) {
    throw new Error(`running as root, but there is no "${PG_SUPERUSER}" user to run PostgreSQL as`);
  }
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

function chownRecursive(p: string, uid: number, gid: number): void {
  fs.lchownSync(p, uid, gid);
  const st = fs.lstatSync(p);
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p)) chownRecursive(path.join(p, e), uid, gid);
  }
}

/**
 * The checkout may live under a mode-700 directory (e.g. `mktemp -d`) that the
 * postgres user cannot traverse. Add only the traverse bit (o+x, not read) on
 * the ancestors that lack it.
 */
function ensurePostgresCanReach(dir: string, log: (l: string) => void): void {
  const canTraverse = (d: string) => spawnSync('runuser', ['-u', PG_SUPERUSER, '--', 'test', '-x', d]).status === 0;
  if (canTraverse(dir)) return;
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  const fixed: string[] = [];
  for (const d of chain) {
    if (!canTraverse(d)) {
      fs.chmodSync(d, (fs.statSync(d).mode & 0o7777) | 0o001);
      fixed.push(d);
    }
  }
  log(`the postgres user could not reach ${dir}: added the traverse bit (o+x) on ${fixed.join(', ')}`);
}

function pgConf(o: InfraOptions, p: PgPaths): string {
  const lines = [
    '# Written by services/devstack/infra.ts on every start; edits are overwritten.',
    `listen_addresses = '127.0.0.1'`,
    `port = ${o.pgPort}`,
    `unix_socket_directories = '${p.socketDir}'`,
    'unix_socket_permissions = 0700',
    'max_connections = 300',
    'shared_buffers = 256MB',
  ];
  if (o.fast) {
    lines.push(
      '# Test data only: durability traded for speed. Never for data you keep.',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
    );
  }
  return `${lines.join('\n')}\n`;
}

function pgRunning(p: PgPaths): boolean {
  if (!fs.existsSync(path.join(p.data, 'PG_VERSION'))) return false;
  return runPg('pg_ctl', ['-D', p.data, 'status'], p.base).status === 0;
}

async function startPostgres(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = pgPaths(o);
  fs.mkdirSync(p.run, { recursive: true });
  if (p.socketDir !== p.run) fs.mkdirSync(p.socketDir, { recursive: true });
  fs.chmodSync(p.base, 0o700);
  fs.chmodSync(p.run, 0o700);
  fs.chmodSync(p.socketDir, 0o700);
  const ids = isRoot ? postgresIds() : null;
  if (ids) {
    ensurePostgresCanReach(o.dataDir, log);
    chownRecursive(p.base, ids.uid, ids.gid);
    if (p.socketDir !== p.run) fs.chownSync(p.socketDir, ids.uid, ids.gid);
  }

  if (!fs.existsSync(path.join(p.data, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${path.relative(REPO_ROOT, p.data)}`);
    fs.rmSync(p.data, { recursive: true, force: true });
    const r = runPg(
      'initdb',
      [
        '-D', p.data,
        '-U', PG_SUPERUSER,
        // Superuser over the (0700) unix socket only; every TCP login needs a password.
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ],
      p.base,
    );
    if (r.status !== 0) throw new Error(`initdb failed:\n${r.output}`);
    fs.appendFileSync(path.join(p.data, 'postgresql.conf'), "\ninclude 'ticketing.conf'\n");
  }
  const conf = path.join(p.data, 'ticketing.conf');
  fs.writeFileSync(conf, pgConf(o, p));
  if (ids) fs.chownSync(conf, ids.uid, ids.gid);

  if (pgRunning(p)) {
    log(`PostgreSQL already running on 127.0.0.1:${o.pgPort}`);
  } else {
    await assertPortFree(o.pgPort, 'PostgreSQL');
    log(`starting PostgreSQL on 127.0.0.1:${o.pgPort}`);
    const r = runPg(
      'pg_ctl',
      ['-D', p.data, '-l', p.logFile, '-w', '-t', String(READY_TIMEOUT_MS / 1000), 'start'],
      p.base,
    );
    if (r.status !== 0) {
      throw new Error(`PostgreSQL did not start:\n${r.output}\n--- ${p.logFile} ---\n${tail(p.logFile)}`);
    }
  }

  await waitFor(`PostgreSQL on 127.0.0.1:${o.pgPort}`, p.logFile, async () => {
    await withSuperuser(o, async (c) => {
      await c.query('SELECT 1');
    });
  });
  await withSuperuser(o, async (c) => {
    await c.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${PG_USER}') THEN
        -- Local-development default password; CREATEDB lets tests make scratch databases.
        CREATE ROLE ${quoteIdent(PG_USER)} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}';
      END IF;
    END $$`);
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
    if (!rowCount) await c.query(`CREATE DATABASE ${quoteIdent(PG_DATABASE)} OWNER ${quoteIdent(PG_USER)}`);
  });
  // The URL the services use must work: TCP + password.
  const c = new Client({ connectionString: infraUrls(o).databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (e) {
    throw new Error(`PostgreSQL on 127.0.0.1:${o.pgPort} refuses ${PG_USER}: ${(e as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function withSuperuser<T>(o: InfraOptions, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({
    host: pgPaths(o).socketDir,
    port: o.pgPort,
    user: PG_SUPERUSER,
    database: 'postgres',
    connectionTimeoutMillis: 5000,
  });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function stopPostgres(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = pgPaths(o);
  if (!pgRunning(p)) return;
  log(`stopping PostgreSQL on 127.0.0.1:${o.pgPort}`);
  const r = runPg('pg_ctl', ['-D', p.data, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000), 'stop'], p.base);
  if (r.status !== 0) {
    // Last resort: the postmaster's pid is the first line of postmaster.pid.
    const pid = readPid(path.join(p.data, 'postmaster.pid'));
    if (pid && isAlive(pid)) {
      log(`pg_ctl stop failed (${r.output.trim()}); killing postmaster ${pid}`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, STOP_TIMEOUT_MS);
    }
  }
}

// ---------------------------------------------------------------------------
// Redis

function redisPaths(o: InfraOptions) {
  const dir = path.join(o.dataDir, 'redis');
  return { dir, pidFile: path.join(dir, 'redis.pid'), logFile: path.join(dir, 'redis.log') };
}

async function startRedis(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = redisPaths(o);
  fs.mkdirSync(p.dir, { recursive: true });
  const pid = readPid(p.pidFile);
  if (pid && isAlive(pid, 'redis-server')) {
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

async function stopRedis(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = redisPaths(o);
  const pid = readPid(p.pidFile);
  if (pid && isAlive(pid, 'redis-server')) {
    log(`stopping Redis on 127.0.0.1:${o.redisPort}`);
    await terminate(pid, { timeoutMs: STOP_TIMEOUT_MS });
  }
  fs.rmSync(p.pidFile, { force: true });
}

// ---------------------------------------------------------------------------
// Temporal dev server

function temporalPaths(o: InfraOptions) {
  const dir = path.join(o.dataDir, 'temporal');
  return {
    dir,
    pidFile: path.join(dir, 'temporal.pid'),
    logFile: path.join(dir, 'temporal.log'),
    db: path.join(dir, 'temporal.db'),
  };
}

/** The exact `temporal` arguments we start the dev server with. */
export function temporalServerArgs(o: InfraOptions): string[] {
  const p = temporalPaths(o);
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(o.temporalPort),
    '--namespace', 'default',
    '--log-level', 'warn',
    '--disable-config-file',
    '--disable-config-env',
    '--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
  ];
  // Tests run in memory (fresh every start); dev keeps workflows in SQLite.
  // WAL with synchronous=normal: survives a crash of the server process, and
  // spares the fsync per write that made SQLite the bottleneck of every booking.
  if (!o.fast) args.push('--db-filename', p.db, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  if (o.temporalUiPort === null) args.push('--headless');
  else args.push('--ui-port', String(o.temporalUiPort), '--ui-disable-news-fetch');
  return args;
}

/** Environment for the temporal CLI without the caller's TEMPORAL_* settings (address, TLS, profile...). */
function temporalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TEMPORAL_')) env[k] = v;
  return env;
}

async function startTemporal(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = temporalPaths(o);
  fs.mkdirSync(p.dir, { recursive: true });
  if (!isExecutable(TOOLS.temporal)) {
    throw new Error(`${TOOLS.temporal} is missing (run bash services/devstack/install-tools.sh)`);
  }
  let spawnedPid: number | null = null;
  const pid = readPid(p.pidFile);
  if (pid && isAlive(pid, 'start-dev')) {
    log(`Temporal dev server already running on 127.0.0.1:${o.temporalPort}`);
  } else {
    fs.rmSync(p.pidFile, { force: true });
    await assertPortFree(o.temporalPort, 'Temporal');
    if (o.temporalUiPort !== null) await assertPortFree(o.temporalUiPort, 'the Temporal UI');
    log(
      `starting the Temporal dev server on 127.0.0.1:${o.temporalPort}` +
        (o.temporalUiPort === null ? ' (headless)' : ` (UI on :${o.temporalUiPort})`),
    );
    const out = fs.openSync(p.logFile, 'a');
    const child = spawn(TOOLS.temporal, temporalServerArgs(o), {
      cwd: p.dir,
      detached: true,
      stdio: ['ignore', out, out],
      env: temporalEnv(),
    });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not spawn ${TOOLS.temporal}`);
    child.unref();
    spawnedPid = child.pid;
    fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  }
  await waitFor(`the Temporal dev server on 127.0.0.1:${o.temporalPort}`, p.logFile, async () => {
    if (spawnedPid !== null && !isAlive(spawnedPid)) throw new FatalError('the process exited');
    const missing = await missingSearchAttributes(o.temporalPort);
    if (missing.length) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
  });
  if (o.temporalUiPort !== null) {
    const ui = `http://127.0.0.1:${o.temporalUiPort}/`;
    await waitFor(`the Temporal UI on ${ui}`, p.logFile, async () => {
      const res = await fetch(ui, { signal: AbortSignal.timeout(2000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    });
  }
}

/** Names from SEARCH_ATTRIBUTES that the server on `port` does not list (yet). Throws if it does not answer. */
function missingSearchAttributes(port: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      TOOLS.temporal,
      [
        'operator', 'search-attribute', 'list',
        '--address', `127.0.0.1:${port}`,
        '--namespace', 'default',
        '--disable-config-file',
        '--disable-config-env',
        '--command-timeout', '3s',
        '--output', 'json',
      ],
      { env: temporalEnv(), timeout: 5000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message.split('\n')[0]} ${stderr}`.trim()));
        try {
          const parsed = JSON.parse(stdout) as { customAttributes?: Record<string, string> };
          const have = parsed.customAttributes ?? {};
          resolve(Object.keys(SEARCH_ATTRIBUTES).filter((n) => !(n in have)));
        } catch (e) {
          reject(e as Error);
        }
      },
    );
  });
}

async function stopTemporal(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = temporalPaths(o);
  const pid = readPid(p.pidFile);
  if (pid && isAlive(pid, 'start-dev')) {
    log(`stopping the Temporal dev server on 127.0.0.1:${o.temporalPort}`);
    await terminate(pid, { timeoutMs: STOP_TIMEOUT_MS });
  }
  fs.rmSync(p.pidFile, { force: true });
}

// ---------------------------------------------------------------------------
// Process and readiness helpers (also used by up.ts / down.ts)

export function defaultLog(line: string): void {
  console.log(`[infra] ${line}`);
}

export function readPid(file: string): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * Whether `pid` is a live (non-zombie) process; with `cmdlineIncludes`, also
 * whether its command line contains that text (guards against a recycled pid
 * in a stale pid file).
 */
export function isAlive(pid: number, cmdlineIncludes?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (cmdlineIncludes !== undefined) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return cmdline.includes(cmdlineIncludes);
    }
  } catch {
    // No /proc (not Linux): trust kill(0).
  }
  return true;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** SIGTERM (to the process group with `group`), then SIGKILL after `timeoutMs`. */
export async function terminate(pid: number, opts: { timeoutMs: number; group?: boolean }): Promise<void> {
  const target = opts.group ? -pid : pid;
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  send('SIGTERM');
  if (await waitForExit(pid, opts.timeoutMs)) return;
  send('SIGKILL');
  await waitForExit(pid, 5000);
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function assertPortFree(port: number, what: string): Promise<void> {
  if (await portInUse(port)) {
    throw new Error(
      `cannot start ${what}: port ${port} on 127.0.0.1 is taken by another process ` +
        `(not one started from this data dir). Stop it, or find it with: ss -ltnp 'sport = :${port}'`,
    );
  }
}

class FatalError extends Error {}

/** Polls `probe` until it succeeds; on timeout (or a FatalError) throws with the tail of `logFile`. */
export async function waitFor(
  what: string,
  logFile: string,
  probe: () => Promise<void>,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      await probe();
      return;
    } catch (e) {
      last = e;
      if (e instanceof FatalError || Date.now() > deadline) break;
    }
    await sleep(250);
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new Error(`${what} is not ready after ${Math.round(timeoutMs / 1000)}s: ${reason}\n--- tail of ${logFile} ---\n${tail(logFile)}`);
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
