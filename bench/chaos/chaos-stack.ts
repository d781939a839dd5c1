/**
 * A supervised local stack of its own for chaos runs: `npm run up` started
 * as a child on other ports (its own DEV_PORT_OFFSET) with an empty data
 * folder, so a chaos run never meets a developer's stack, and its faults
 * (killed processes, stopped servers) touch nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_PORTS, type ServiceName } from '../../contracts/platform';
import { devInfraOptions, infraUrls, type Infra, type InfraOptions } from '../../devstack/infra';
import { isAlive, sleep, tail, waitForExit } from '../../devstack/infra/processes';
import { replicaName, replicaPort, START_ORDER } from '../../devstack/dev-env';
import { runDirOf } from '../../devstack/down';
import { readSupervisorStatus } from '../../devstack/supervisor';
import { REPO_ROOT } from '../../services/shared/repo-root';

export interface ChaosStackOptions {
  /** DEV_PORT_OFFSET of the stack: every port moves by it. */
  offset: number;
  /** Its data folder: emptied first. */
  dataDir: string;
  holdTtlSeconds: number;
  workers: number;
  log?: (line: string) => void;
}

export interface ChaosStack {
  offset: number;
  gatewayUrl: string;
  infra: Infra;
  infraOptions: InfraOptions;
  /** The supervisor's run folder (supervisor.json, holds). */
  runDir: string;
  /** Every service replica with its port, in start order. */
  replicas: { name: string; service: ServiceName; port: number }[];
  /** The pid the supervisor says `unit` runs as (throws when it is not running). */
  pidOf(unit: string): number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 240_000;

export async function startChaosStack(o: ChaosStackOptions): Promise<ChaosStack> {
  const infraOptions = devInfraOptions(o.offset, o.dataDir);
  const runDir = runDirOf(infraOptions.dataDir);
  const gatewayUrl = `http://127.0.0.1:${SERVICE_PORTS.gateway + o.offset}`;
  const env = { ...process.env, DEV_PORT_OFFSET: String(o.offset), DEV_DATA_DIR: infraOptions.dataDir, HOLD_TTL_SECONDS: String(o.holdTtlSeconds) };
  // Whatever an interrupted run left running from this folder is stopped (`npm run down`) before the folder is emptied.
  if (fs.existsSync(infraOptions.dataDir)) spawnSync(process.execPath, ['dist/devstack/down.js'], { cwd: REPO_ROOT, env, stdio: 'ignore' });
  fs.rmSync(infraOptions.dataDir, { recursive: true, force: true });
  fs.mkdirSync(infraOptions.dataDir, { recursive: true });
  const logFile = path.join(infraOptions.dataDir, 'up.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['dist/devstack/up.js', '--workers', String(o.workers)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const pid = child.pid!;
  const stop = async () => {
    if (isAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitForExit(pid, 90_000))) process.kill(pid, 'SIGKILL');
    }
  };
  o.log?.(`starting a supervised stack (offset ${o.offset}, ${o.workers} workers, HOLD_TTL ${o.holdTtlSeconds}s) in ${path.relative(REPO_ROOT, infraOptions.dataDir)}`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (fs.readFileSync(logFile, 'utf8').includes('[up] ready in')) break;
    if (!isAlive(pid) || Date.now() > deadline) {
      await stop();
      throw new Error(`the chaos stack did not come up; ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(500);
  }
  const replicas = START_ORDER.flatMap((service) =>
    Array.from({ length: service === 'worker' ? o.workers : 1 }, (_, i) => ({ name: replicaName(service, i + 1), service, port: replicaPort(service, i + 1, o.offset) })),
  );
  return {
    offset: o.offset,
    gatewayUrl,
    infra: infraUrls(infraOptions),
    infraOptions,
    runDir,
    replicas,
    pidOf(unit) {
      const u = readSupervisorStatus(runDir)?.units[unit];
      if (!u?.pid) throw new Error(`${unit} is not running (${u?.state ?? 'unknown'})`);
      return u.pid;
    },
    stop,
  };
}
