/**
 * `npm run up`: the whole system on this machine. Starts PostgreSQL, Redis and
 * the Temporal dev server (devstack/infra.ts), then every service as
 * a child process in dependency order, waits for each /readyz, seeds the demo
 * data and stays in the foreground. Ctrl-C (or `npm run down` from another
 * terminal) stops everything; data stays in .data/dev.
 *
 * Service logs: .data/dev/logs/<service>.log (printed when a service fails).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEV_INFRA_OPTIONS, type Infra, infraUrls, startInfra, stopInfra } from './infra';
import { isAlive, portInUse, readPid, sleep, tail, terminate } from './infra/processes';
import { REPO_ROOT } from '../services/shared/repo-root';
import { DEMO_ADMIN, serviceEntry, type ServiceName } from '../contracts/platform';
import { devPort, loadOrCreateDevSecrets, serviceEnv, START_ORDER } from './dev-env';
import { LOG_DIR, RUN_DIR, servicePidFile, stopDevServices, UP_CMDLINE, UP_PID_FILE } from './down';
import { startTraceViewer, type TraceViewer } from './observability';
import { seedDemo } from './seed';

const o = { ...DEV_INFRA_OPTIONS, log: (l: string) => console.log(`[infra] ${l}`) };
const GATEWAY = `http://127.0.0.1:${devPort('gateway')}`;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/**
 * `HOLD_TTL_SECONDS=30 npm run up`: short holds, for the flash-sale benchmark
 * (bench/flash-sale), which waits for its walked-away holds to lapse. Unset: 600.
 */
const HOLD_TTL_SECONDS = process.env.HOLD_TTL_SECONDS === undefined ? undefined : Number(process.env.HOLD_TTL_SECONDS);
/**
 * `PROFILE_DIR=/tmp/prof npm run up`: every service runs with --cpu-prof and
 * writes its profile to PROFILE_DIR/<service>/ when stopped (`npm run down`),
 * for finding where a benchmark's time goes (open it in Chrome DevTools).
 */
const PROFILE_DIR = process.env.PROFILE_DIR ? path.resolve(process.env.PROFILE_DIR) : undefined;

/** `npm run up -- --traces`: Jaeger, and every service exporting its spans to it (devstack/observability.ts). */
const TRACES = process.argv.includes('--traces');
let traceViewer: TraceViewer | undefined;

const log = (l: string) => console.log(`[up] ${l}`);
const children = new Map<ServiceName, ChildProcess>();
let shuttingDown = false;
/** Set once this process has claimed the dev stack (up.pid); before that, a failure touches nothing. */
let ownsStack = false;
let infraStarting: Promise<unknown> | null = null;

function logFile(name: ServiceName): string {
  return path.join(LOG_DIR, `${name}.log`);
}

async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

function printUrls(infra: Infra): void {
  const g = `http://localhost:${devPort('gateway')}`;
  console.log(
    [
      '',
      `  Web app      ${g}/  (buyers, organizers, door staff, admins; demo accounts in the README)`,
      `  Gateway      ${g}`,
      `  API docs     ${g}/docs`,
      `  OpenAPI      ${g}/openapi.json`,
      `  Temporal UI  ${infra.temporalUiUrl ?? '(headless)'}`,
      `  Mail         http://localhost:${devPort('mail-sink')}  (every email the platform sends, caught locally)`,
      ...(traceViewer ? [`  Traces       ${traceViewer.url}  (Jaeger; API: ${traceViewer.url}/api/traces?service=gateway)`] : []),
      `  Demo admin   ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}  (local-development default)`,
      `  Logs         ${path.relative(process.cwd(), LOG_DIR) || LOG_DIR}/<service>.log`,
      '',
    ].join('\n'),
  );
}

function startService(name: ServiceName, infra: Infra, secrets: ReturnType<typeof loadOrCreateDevSecrets>): void {
  const entry = serviceEntry(name);
  const out = fs.openSync(logFile(name), 'w');
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, name)}`] : [];
  const child = spawn(process.execPath, ['--enable-source-maps', ...profile, entry], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...serviceEnv(name, infra, secrets, { holdTtlSeconds: HOLD_TTL_SECONDS, ...(traceViewer ? { extra: { OTEL_EXPORTER_OTLP_ENDPOINT: traceViewer.otlpEndpoint } } : {}) }),
    },
    stdio: ['ignore', out, out],
    // Its own process group: the terminal's Ctrl-C reaches only us, and we
    // stop the services in order; `npm run down` finds them by pid file.
    detached: true,
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  fs.writeFileSync(servicePidFile(name), `${child.pid}\n`);
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (shuttingDown) return;
    console.error(
      `\n[up] ${name} exited unexpectedly (${signal ?? `code ${code}`}). Last lines of ${logFile(name)}:\n` +
        `${tail(logFile(name))}\n`,
    );
    void shutdown(1);
  });
}

async function waitReady(name: ServiceName): Promise<void> {
  const url = `http://127.0.0.1:${devPort(name)}/readyz`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (shuttingDown || !children.has(name)) return;
    if (await httpOk(url)) return;
    await sleep(250);
  }
  throw new Error(
    `${name} did not answer ${url} within ${READY_TIMEOUT_MS / 1000}s. Last lines of ${logFile(name)}:\n${tail(logFile(name))}`,
  );
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  if (!ownsStack) process.exit(code);
  console.log('\n[up] stopping services...');
  if (infraStarting) await infraStarting.catch(() => undefined);
  for (const name of [...START_ORDER].reverse()) {
    const child = children.get(name);
    if (child?.pid !== undefined && isAlive(child.pid)) {
      await terminate(child.pid, { group: true, timeoutMs: STOP_TIMEOUT_MS });
    }
    fs.rmSync(servicePidFile(name), { force: true });
  }
  await traceViewer?.stop();
  try {
    await stopInfra(o);
  } catch (e) {
    console.error(`[up] stopping the infrastructure failed: ${(e as Error).message}`);
    code = code || 1;
  }
  fs.rmSync(UP_PID_FILE, { force: true });
  console.log('[up] stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  if (await httpOk(`${GATEWAY}/readyz`)) {
    console.log('[up] already running (npm run down stops it)');
    printUrls(infraUrls(o));
    return;
  }
  const other = readPid(UP_PID_FILE);
  if (other && other !== process.pid && isAlive(other, UP_CMDLINE)) {
    throw new Error(`another "npm run up" is still starting or running (pid ${other}); "npm run down" stops it`);
  }
  const missing = START_ORDER.filter((n) => !fs.existsSync(path.join(REPO_ROOT, serviceEntry(n))));
  if (missing.length) {
    throw new Error(`not built: ${missing.map((n) => serviceEntry(n)).join(', ')} (run npm run build)`);
  }

  if (HOLD_TTL_SECONDS !== undefined && !(Number.isInteger(HOLD_TTL_SECONDS) && HOLD_TTL_SECONDS > 0)) {
    throw new Error(`HOLD_TTL_SECONDS must be a positive whole number of seconds, not ${process.env.HOLD_TTL_SECONDS}`);
  }
  if (HOLD_TTL_SECONDS !== undefined) log(`holds last ${HOLD_TTL_SECONDS}s (HOLD_TTL_SECONDS)`);
  fs.mkdirSync(RUN_DIR, { recursive: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  fs.writeFileSync(UP_PID_FILE, `${process.pid}\n`);
  ownsStack = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));

  // Services a crashed earlier run left behind would hold the ports.
  await stopDevServices(log);
  const taken: string[] = [];
  for (const name of START_ORDER) {
    if (await portInUse(devPort(name))) taken.push(`${name} :${devPort(name)}`);
  }
  if (taken.length) throw new Error(`ports already in use by other processes: ${taken.join(', ')}`);

  const started = Date.now();
  infraStarting = startInfra(o);
  const infra = (await infraStarting) as Infra;
  infraStarting = null;
  const secrets = loadOrCreateDevSecrets(o.dataDir);
  if (TRACES) traceViewer = await startTraceViewer(LOG_DIR, log);

  for (const name of START_ORDER) {
    if (shuttingDown) return;
    log(`starting ${name} on :${devPort(name)}`);
    startService(name, infra, secrets);
    await waitReady(name);
  }
  if (shuttingDown) return;

  log('seeding demo data');
  await seedDemo(GATEWAY);
  if (shuttingDown) return;

  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  printUrls(infra);
  console.log('Ctrl-C to stop (or "npm run down" from another terminal).');
}

main().catch((e: unknown) => {
  console.error(`\n[up] ${e instanceof Error ? e.message : String(e)}`);
  void shutdown(1);
});
