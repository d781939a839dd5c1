/**
 * The Temporal dev server (the temporal CLI's `server start-dev`), with the
 * booking workflows' search attributes. Two flavours (InfraOptions.temporal):
 * - `dev`: as the CLI sets it up for a laptop demo;
 * - `dev-tuned`: the same binary without the CLI's demo settings that cost
 *   every booking: `system.forceSearchAttributesCacheRefreshOnRead` off
 *   (else every search-attribute lookup reads the database under a global
 *   lock; the server's docs say never in production), SQLite without fsync
 *   (`synchronous=off`: a crash of the machine, not of the process, may lose
 *   the last transactions of local data), and a history cache sized for the
 *   thousands of holds a flash sale keeps open.
 * The real server on PostgreSQL is temporal-server.ts.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_TYPES, TEMPORAL_NAMESPACE } from '../../contracts/platform';
import { TOOLS, type InfraOptions } from './options';
import { assertPortFree, FatalError, isAlive, isExecutable, livePid, STOP_TIMEOUT_MS, terminate, waitFor } from './processes';

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
    '--namespace', TEMPORAL_NAMESPACE,
    '--log-level', 'warn',
    '--disable-config-file',
    '--disable-config-env',
    '--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
  ];
  // Tests run in memory (fresh every start); dev keeps workflows in SQLite.
  // WAL with synchronous=normal: survives a crash of the server process, and
  // spares the fsync per write that made SQLite the bottleneck of every booking.
  const tuned = o.temporal === 'dev-tuned';
  if (!o.fast) args.push('--db-filename', p.db, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', `synchronous=${tuned ? 'off' : 'normal'}`);
  if (tuned) {
    args.push(
      '--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=false',
      '--dynamic-config-value', 'history.cacheMaxSize=8192',
      '--dynamic-config-value', 'history.hostLevelCacheMaxSize=65536',
    );
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);
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

export async function startTemporal(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = temporalPaths(o);
  fs.mkdirSync(p.dir, { recursive: true });
  if (!isExecutable(TOOLS.temporal)) {
    throw new Error(`${TOOLS.temporal} is missing (run bash devstack/install-tools.sh)`);
  }
  let spawnedPid: number | null = null;
  const pid = livePid(p.pidFile, 'start-dev');
  if (pid) {
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

/** Runs the temporal CLI against a local server (without the caller's TEMPORAL_* settings); resolves to its stdout. */
export function temporalCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      TOOLS.temporal,
      [...args, '--disable-config-file', '--disable-config-env', '--command-timeout', '5s'],
      { env: temporalEnv(), timeout: 8000, encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message.split('\n')[0]} ${stderr}`.trim())) : resolve(stdout)),
    );
  });
}

/** Names of SEARCH_ATTRIBUTE_TYPES that the server on `port` does not list (yet). Throws if it does not answer. */
export async function missingSearchAttributes(port: number): Promise<string[]> {
  const stdout = await temporalCli(['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${port}`, '--namespace', TEMPORAL_NAMESPACE, '--output', 'json']);
  const have = (JSON.parse(stdout) as { customAttributes?: Record<string, string> }).customAttributes ?? {};
  return Object.keys(SEARCH_ATTRIBUTE_TYPES).filter((n) => !(n in have));
}

/** The dev server's pid, from its pid file (null when it is not running). */
export function temporalPid(o: InfraOptions): number | null {
  return livePid(temporalPaths(o).pidFile, 'start-dev');
}

export async function stopTemporal(o: InfraOptions, log: (l: string) => void): Promise<void> {
  const p = temporalPaths(o);
  const pid = livePid(p.pidFile, 'start-dev');
  if (pid) {
    log(`stopping the Temporal dev server on 127.0.0.1:${o.temporalPort}`);
    await terminate(pid, { timeoutMs: STOP_TIMEOUT_MS });
  }
  fs.rmSync(p.pidFile, { force: true });
}

