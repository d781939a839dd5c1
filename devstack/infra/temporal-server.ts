/**
 * The real Temporal server (go.temporal.io/server, built by
 * devstack/go-tools/build.sh temporal-server), the one the production chart
 * runs, on the local PostgreSQL with 4 history shards: the alternative to the
 * CLI's dev server (`TEMPORAL_SERVER=server npm run up`). Its schema is set
 * up by its own temporal-sql-tool; its config is
 * devstack/go-tools/temporal-server/config.template.yaml, rendered by the
 * server from environment variables.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTE_TYPES, TEMPORAL_NAMESPACE } from '../../contracts/platform';
import { REPO_ROOT } from '../../services/shared/repo-root';
import type { InfraOptions } from './options';
import { PG_PASSWORD, PG_USER } from './postgres';
import { assertPortFree, FatalError, isAlive, isExecutable, livePid, STOP_TIMEOUT_MS, terminate, waitFor } from './processes';
import { missingSearchAttributes, temporalCli } from './temporal';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, '.tools', 'bin');
const SERVER = path.join(BIN, 'temporal-server');
const SQL_TOOL = path.join(BIN, 'temporal-sql-tool');
const CONFIG = path.join(REPO_ROOT, 'devstack', 'go-tools', 'temporal-server', 'config.template.yaml');
/** Its databases; resetDatabase (tests) leaves them alone: the server's schema is set up once. */
export const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'] as const;

const paths = (o: InfraOptions) => {
  const dir = path.join(o.dataDir, 'temporal-server');
  return { dir, pidFile: path.join(dir, 'temporal-server.pid'), logFile: path.join(dir, 'temporal-server.log') };
};

/** The server's settings for its config template. */
function serverEnv(o: InfraOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    TEMPORAL_PG_HOST: '127.0.0.1',
    TEMPORAL_PG_PORT: String(o.pgPort),
    TEMPORAL_PG_USER: PG_USER,
    TEMPORAL_PG_PASSWORD: PG_PASSWORD,
    TEMPORAL_PORT_BASE: String(o.temporalPort),
    TEMPORAL_LOG_LEVEL: 'warn',
  };
}

/** Creates its two databases and brings their schemas to the binary's version (idempotent). */
async function setupSchema(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const schemaRoot = path.join(path.dirname(fs.realpathSync(SQL_TOOL)), '..', 'schema', 'postgresql', 'v12');
  for (const [db, dir] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']] as const) {
    const base = ['--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(o.pgPort), '--user', PG_USER, '--password', PG_PASSWORD, '--database', db];
    await run(SQL_TOOL, [...base, 'create-database']).catch((err: { stderr?: string }) => {
      if (!/already exists/.test(err.stderr ?? '')) throw err;
    });
    // setup-schema -v 0.0 is refused once a schema exists: then only the update applies.
    await run(SQL_TOOL, [...base, 'setup-schema', '-v', '0.0']).catch(() => undefined);
    await run(SQL_TOOL, [...base, 'update-schema', '-d', path.join(schemaRoot, dir, 'versioned')]);
  }
  log(`Temporal server schema ready in PostgreSQL (${TEMPORAL_DATABASES.join(', ')})`);
}

/** The namespace and the booking workflows' search attributes, registered through the CLI. */
async function register(o: InfraOptions): Promise<void> {
  const address = `127.0.0.1:${o.temporalPort}`;
  await temporalCli(['operator', 'namespace', 'create', '--address', address, '--namespace', TEMPORAL_NAMESPACE, '--retention', '72h']).catch((err: Error) => {
    if (!/already|AlreadyExists/i.test(err.message)) throw err;
  });
  const missing = await missingSearchAttributes(o.temporalPort).catch(() => Object.keys(SEARCH_ATTRIBUTE_TYPES));
  if (missing.length) {
    await temporalCli([
      'operator', 'search-attribute', 'create', '--address', address, '--namespace', TEMPORAL_NAMESPACE,
      ...missing.flatMap((name) => ['--name', name, '--type', SEARCH_ATTRIBUTE_TYPES[name]!]),
    ]);
  }
}

export async function startTemporalServer(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = paths(o);
  fs.mkdirSync(p.dir, { recursive: true });
  for (const bin of [SERVER, SQL_TOOL]) {
    if (!isExecutable(bin)) throw new Error(`${bin} is missing (bash devstack/go-tools/build.sh temporal-server; ~5 CPU-minutes the first time)`);
  }
  let spawnedPid: number | null = null;
  const pid = livePid(p.pidFile, 'temporal-server');
  if (pid) {
    log(`Temporal server already running on 127.0.0.1:${o.temporalPort}`);
  } else {
    fs.rmSync(p.pidFile, { force: true });
    await assertPortFree(o.temporalPort, 'Temporal');
    await setupSchema(o, log);
    log(`starting the Temporal server (PostgreSQL, 4 history shards) on 127.0.0.1:${o.temporalPort}`);
    const out = fs.openSync(p.logFile, 'a');
    const child = spawn(SERVER, ['--config-file', CONFIG, '--allow-no-auth', 'start'], { cwd: p.dir, detached: true, stdio: ['ignore', out, out], env: serverEnv(o) });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not spawn ${SERVER}`);
    child.unref();
    spawnedPid = child.pid;
    fs.writeFileSync(p.pidFile, `${child.pid}\n`);
  }
  await waitFor(`the Temporal server on 127.0.0.1:${o.temporalPort}`, p.logFile, async () => {
    if (spawnedPid !== null && !isAlive(spawnedPid)) throw new FatalError('the process exited');
    await register(o);
    const missing = await missingSearchAttributes(o.temporalPort);
    if (missing.length) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
  });
}

/** The real server's pid, from its pid file (null when it is not running). */
export function temporalServerPid(o: InfraOptions): number | null {
  return livePid(paths(o).pidFile, 'temporal-server');
}

export async function stopTemporalServer(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = paths(o);
  const pid = livePid(p.pidFile, 'temporal-server');
  if (pid) {
    log(`stopping the Temporal server on 127.0.0.1:${o.temporalPort}`);
    await terminate(pid, { timeoutMs: STOP_TIMEOUT_MS });
  }
  fs.rmSync(p.pidFile, { force: true });
}
