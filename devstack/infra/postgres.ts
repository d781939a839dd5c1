/**
 * The local PostgreSQL server: initdb on first start, a config written on
 * every start (tests trade durability for speed), the `ticketing` role and
 * database. Runs as the `postgres` user when started by root.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from '../../services/shared/repo-root';
import type { InfraOptions } from './options';
import { assertPortFree, isAlive, isExecutable, quoteIdent, readPid, READY_TIMEOUT_MS, STOP_TIMEOUT_MS, tail, waitFor, waitForExit } from './processes';

// Local-development default credentials (never used outside this machine's
// loopback PostgreSQL; deployments get theirs from a Secret).
export const PG_USER = 'ticketing';
export const PG_PASSWORD = 'ticketing';
export const PG_DATABASE = 'ticketing';
const PG_SUPERUSER = 'postgres';

export const databaseUrl = (o: Pick<InfraOptions, 'pgPort'>) => `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${o.pgPort}/${PG_DATABASE}`;


/**
 * Drops every database owned by the `ticketing` role (the main one and any a
 * test created for itself) and recreates an empty `ticketing` database.
 * For the test infrastructure; the server must be running.
 */
export async function resetDatabase(o: InfraOptions): Promise<void> {
  await withSuperuser(o, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
        WHERE r.rolname = $1 AND NOT d.datistemplate AND d.datname <> ALL($2::text[])`,
      // A real Temporal server's databases stay: it runs on them (temporal-server.ts).
      [PG_USER, ['temporal', 'temporal_visibility']],
    );
    for (const { datname } of rows) {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE ${quoteIdent(PG_DATABASE)} OWNER ${quoteIdent(PG_USER)}`);
  });
}


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
    throw new Error('PostgreSQL server binaries not found (run bash devstack/install-tools.sh)');
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
    '# Written by devstack/infra.ts on every start; edits are overwritten.',
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

const lockFile = (p: PgPaths) => path.join(p.data, 'postmaster.pid');

/**
 * Whether this data directory's postmaster runs: the pid in its lock file is
 * a live process of this directory. Not `pg_ctl status`, which counts a
 * killed postmaster not yet reaped (a zombie) as running.
 */
function pgRunning(p: PgPaths): boolean {
  const pid = readPid(lockFile(p));
  return pid !== null && isAlive(pid, p.data);
}

/**
 * After a postmaster was killed, its lock file names it until it is reaped:
 * PostgreSQL refuses to start while that pid exists at all, zombie or not.
 * Waits for it to go; one never reaped (a parent that does not reap) leaves
 * a lock that is removed. PostgreSQL's own check of its shared memory still
 * refuses to start while backends of the killed one linger.
 */
async function clearStaleLock(p: PgPaths, log: (l: string) => void): Promise<void> {
  const pid = readPid(lockFile(p));
  if (pid === null || pgRunning(p)) return;
  const exists = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const deadline = Date.now() + 10_000;
  while (exists() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (exists()) {
    log(`the killed postmaster ${pid} was never reaped; removing its lock file`);
    fs.rmSync(lockFile(p), { force: true });
  }
}

export async function startPostgres(o: InfraOptions, log: (l: string) => void): Promise<void> {
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
    await clearStaleLock(p, log);
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
  const c = new Client({ connectionString: databaseUrl(o), connectionTimeoutMillis: 5000 });
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

/** The postmaster's pid, from its lock file (null when it is not running). */
export function postgresPid(o: InfraOptions): number | null {
  const p = pgPaths(o);
  return pgRunning(p) ? readPid(lockFile(p)) : null;
}

export async function stopPostgres(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = pgPaths(o);
  if (!pgRunning(p)) return;
  log(`stopping PostgreSQL on 127.0.0.1:${o.pgPort}`);
  const r = runPg('pg_ctl', ['-D', p.data, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000), 'stop'], p.base);
  if (r.status !== 0) {
    // Last resort: the postmaster's pid is the first line of postmaster.pid.
    const pid = readPid(lockFile(p));
    if (pid && isAlive(pid)) {
      log(`pg_ctl stop failed (${r.output.trim()}); killing postmaster ${pid}`);
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, STOP_TIMEOUT_MS);
    }
  }
}

