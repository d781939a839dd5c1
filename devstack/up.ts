/**
 * `npm run up`: the whole system on this machine. Starts PostgreSQL, Redis and
 * the Temporal dev server (devstack/infra), then every service as a child
 * process in dependency order, waits for each /readyz, seeds the demo data and
 * stays in the foreground, supervising all of them (devstack/supervisor.ts):
 * a process that exits is restarted with backoff, the others keep running.
 * Ctrl-C (or `npm run down` from another terminal) stops everything; data
 * stays in .data/dev.
 *
 *   npm run up -- --workers 2                  two booking workers
 *   npm run up -- --replicas booking=2,worker=3
 *
 * Service logs: .data/dev/logs/<service>.log (printed when a service fails).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_INFRA_OPTIONS, type Infra, infraUrls, postgresPid, redisPid, startPostgres, startRedis, stopInfra, temporalProcess } from './infra';
import { DEV_PORT_OFFSET } from './infra/options';
import { isAlive, portInUse, readPid, sleep, tail, terminate } from './infra/processes';
import { REPO_ROOT } from '../services/shared/repo-root';
import { DEMO_ADMIN, serviceEntry, type ServiceName, WORKER_SDK_METRICS_PORT } from '../contracts/platform';
import { devPort, loadOrCreateDevSecrets, MAX_REPLICAS, replicaName, replicaPort, serviceEnv, START_ORDER } from './dev-env';
import { LOG_DIR, RUN_DIR, servicePidFile, stopDevServices, UP_CMDLINE, UP_PID_FILE } from './down';
import { startTraceViewer, type TraceViewer } from './observability';
import { seedDemo } from './seed';
import { createSupervisor, pidExit, supervisorFiles, type Running } from './supervisor';

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
const supervisor = createSupervisor({ runDir: RUN_DIR, log });
/** Every service replica started, in start order, with its current pid. */
const replicas: { name: string; service: ServiceName; port: number; pid?: number }[] = [];
let shuttingDown = false;
/** Set once this process has claimed the dev stack (up.pid); before that, a failure touches nothing. */
let ownsStack = false;
let infraStarting: Promise<unknown> | null = null;

const logFile = (replica: string) => path.join(LOG_DIR, `${replica}.log`);

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

/** How many replicas of each service: --workers N, --replicas name=N,name=N (default one of each). */
function replicaCounts(): Map<ServiceName, number> {
  const { values } = parseArgs({ options: { workers: { type: 'string' }, replicas: { type: 'string' } } });
  const counts = new Map<ServiceName, number>(START_ORDER.map((n) => [n, 1]));
  const set = (name: string, value: string) => {
    const n = Number(value);
    if (!START_ORDER.includes(name as ServiceName)) throw new Error(`--replicas: no service named ${name} (${START_ORDER.join(', ')})`);
    if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) throw new Error(`--replicas ${name}: a whole number from 1 to ${MAX_REPLICAS}, not ${value}`);
    counts.set(name as ServiceName, n);
  };
  for (const pair of (values.replicas ?? '').split(',').filter(Boolean)) {
    const [name, n] = pair.split('=');
    set(name ?? '', n ?? '');
  }
  if (values.workers !== undefined) set('worker', values.workers);
  return counts;
}

/**
 * What one replica needs beyond its service's environment: the gateway takes
 * every replica of a service in turn (the others call a service's first
 * replica), each worker exports its SDK metrics on a port of its own, and
 * with --traces everything sends its spans to Jaeger.
 */
function replicaEnv(r: (typeof replicas)[number]): Record<string, string> {
  const extra: Record<string, string> = {};
  if (r.service === 'gateway') {
    for (const upstream of ['auth', 'catalog', 'booking', 'checkin'] as const) {
      const urls = replicas.filter((x) => x.service === upstream).map((x) => `http://127.0.0.1:${x.port}`);
      if (urls.length > 1) extra[`${upstream.toUpperCase()}_URL`] = urls.join(',');
    }
  }
  if (r.service === 'worker') extra.TEMPORAL_METRICS_PORT = String(WORKER_SDK_METRICS_PORT + (r.port - devPort('worker')) + DEV_PORT_OFFSET);
  if (traceViewer) extra.OTEL_EXPORTER_OTLP_ENDPOINT = traceViewer.otlpEndpoint;
  return extra;
}

/** One replica of a service as a supervised unit: a child process, ready once its /readyz answers. */
function serviceUnit(r: (typeof replicas)[number], infra: Infra, secrets: ReturnType<typeof loadOrCreateDevSecrets>) {
  return {
    name: r.name,
    async start(restart: boolean): Promise<Running> {
      const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, r.name)}`] : [];
      // A restart keeps the log of the run that ended above its own.
      const out = fs.openSync(logFile(r.name), restart ? 'a' : 'w');
      if (restart) fs.writeSync(out, `\n----- ${new Date().toISOString()} restarted by npm run up -----\n`);
      const child = spawn(process.execPath, ['--enable-source-maps', ...profile, serviceEntry(r.service)], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...serviceEnv(r.service, infra, secrets, { holdTtlSeconds: HOLD_TTL_SECONDS, ports: { [r.service]: r.port }, extra: replicaEnv(r) }) },
        stdio: ['ignore', out, out],
        // Its own process group: the terminal's Ctrl-C reaches only us, and we
        // stop the services in order; `npm run down` finds them by pid file.
        detached: true,
      });
      fs.closeSync(out);
      if (child.pid === undefined) throw new Error(`could not start ${r.name}`);
      const pid = child.pid;
      fs.writeFileSync(servicePidFile(r.name), `${pid}\n`);
      r.pid = pid;
      const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
      try {
        await waitReady(r, () => child.exitCode !== null || child.signalCode !== null);
      } catch (err) {
        await terminate(pid, { group: true, timeoutMs: STOP_TIMEOUT_MS });
        throw err;
      }
      return { pid, exited };
    },
  };
}

async function waitReady(r: (typeof replicas)[number], exited: () => boolean): Promise<void> {
  const url = `http://127.0.0.1:${r.port}/readyz`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (shuttingDown) return;
    if (exited()) throw new Error(`${r.name} exited before it was ready. Last lines of ${logFile(r.name)}:\n${tail(logFile(r.name))}`);
    if (await httpOk(url)) return;
    await sleep(250);
  }
  throw new Error(`${r.name} did not answer ${url} within ${READY_TIMEOUT_MS / 1000}s. Last lines of ${logFile(r.name)}:\n${tail(logFile(r.name))}`);
}

/** A server of devstack/infra as a supervised unit: started (or found running) detached, watched by its pid. */
function serverUnit(name: string, start: () => Promise<void>, pid: () => number | null, cmdline: string) {
  return {
    name,
    async start(): Promise<Running> {
      await start();
      const p = pid();
      if (!p) throw new Error(`${name} started, but its pid file names no live process`);
      return { pid: p, exited: pidExit(p, cmdline) };
    },
  };
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  supervisor.stopAll();
  if (!ownsStack) process.exit(code);
  console.log('\n[up] stopping services...');
  if (infraStarting) await infraStarting.catch(() => undefined);
  for (const r of [...replicas].reverse()) {
    if (r.pid !== undefined && isAlive(r.pid)) {
      await terminate(r.pid, { group: true, timeoutMs: STOP_TIMEOUT_MS });
    }
    fs.rmSync(servicePidFile(r.name), { force: true });
  }
  await traceViewer?.stop();
  try {
    await stopInfra(o);
  } catch (e) {
    console.error(`[up] stopping the infrastructure failed: ${(e as Error).message}`);
    code = code || 1;
  }
  supervisor.clear();
  fs.rmSync(UP_PID_FILE, { force: true });
  console.log('[up] stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  const counts = replicaCounts();
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
  // Holds left by an interrupted chaos run would keep their units down.
  fs.rmSync(supervisorFiles(RUN_DIR).holdDir, { recursive: true, force: true });
  fs.writeFileSync(UP_PID_FILE, `${process.pid}\n`);
  ownsStack = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));

  // Services a crashed earlier run left behind would hold the ports.
  await stopDevServices(log);
  for (const service of START_ORDER) {
    for (let i = 1; i <= counts.get(service)!; i++) replicas.push({ name: replicaName(service, i), service, port: replicaPort(service, i) });
  }
  const taken: string[] = [];
  for (const r of replicas) {
    if (await portInUse(r.port)) taken.push(`${r.name} :${r.port}`);
  }
  if (taken.length) throw new Error(`ports already in use by other processes: ${taken.join(', ')}`);

  const started = Date.now();
  // Independent servers: started side by side.
  const temporal = temporalProcess(o);
  const temporalUnit = () => supervisor.add(serverUnit('temporal', () => temporal.start(o.log), temporal.pid, temporal.cmdline));
  const stores = Promise.all([
    supervisor.add(serverUnit('postgres', () => startPostgres(o, o.log), () => postgresPid(o), 'postgres')),
    supervisor.add(serverUnit('redis', () => startRedis(o, o.log), () => redisPid(o), 'redis-server')),
  ]);
  // Independent servers side by side, but the real Temporal server keeps its history in PostgreSQL.
  infraStarting = temporal.needsPostgres ? stores.then(temporalUnit) : Promise.all([stores, temporalUnit()]);
  await infraStarting;
  infraStarting = null;
  const infra = infraUrls(o);
  const secrets = loadOrCreateDevSecrets(o.dataDir);
  if (TRACES) traceViewer = await startTraceViewer(LOG_DIR, log);

  for (const r of replicas) {
    if (shuttingDown) return;
    log(`starting ${r.name} on :${r.port}`);
    await supervisor.add(serviceUnit(r, infra, secrets));
  }
  if (shuttingDown) return;

  log('seeding demo data');
  await seedDemo(GATEWAY);
  if (shuttingDown) return;

  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s; a process that exits is restarted (this terminal says so)`);
  printUrls(infra);
  console.log('Ctrl-C to stop (or "npm run down" from another terminal).');
}

main().catch((e: unknown) => {
  console.error(`\n[up] ${e instanceof Error ? e.message : String(e)}`);
  void shutdown(1);
});
