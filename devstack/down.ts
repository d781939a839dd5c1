/**
 * `npm run down`: stops what `npm run up` left running — a still-running `up`
 * (which then shuts its services down itself), services whose pid files are in
 * .data/dev/run, and the dev infrastructure. `npm run down -- --test` also
 * stops the test infrastructure (left running by `KEEP_INFRA=1 npm test`).
 * Data in .data/ is kept; delete that folder for a clean slate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serviceEntry } from '../contracts/platform';
import { START_ORDER } from './dev-env';
import { DEV_INFRA_OPTIONS, stopInfra, TEST_INFRA_OPTIONS } from './infra';
import { isAlive, livePid, readPid, terminate, waitForExit } from './infra/processes';

/** Where a stack keeps its pid files and the supervisor's status (`dataDir`: its infra's data folder). */
export const runDirOf = (dataDir: string) => path.join(dataDir, 'run');
export const logDirOf = (dataDir: string) => path.join(dataDir, 'logs');
export const RUN_DIR = runDirOf(DEV_INFRA_OPTIONS.dataDir);
export const LOG_DIR = logDirOf(DEV_INFRA_OPTIONS.dataDir);
export const UP_PID_FILE = path.join(RUN_DIR, 'up.pid');
export const UP_CMDLINE = path.join('devstack', 'up.js');

/** The pid file of a service replica (worker, worker-2...). */
export function servicePidFile(replica: string): string {
  return path.join(RUN_DIR, `${replica}.pid`);
}

/** The replicas of a service that have pid files, first replica first. */
function pidFilesOf(name: string): string[] {
  const own = new RegExp(`^${name}(-\\d+)?\\.pid$`);
  const files = fs.existsSync(RUN_DIR) ? fs.readdirSync(RUN_DIR).filter((f) => own.test(f)) : [];
  return files.sort().map((f) => path.join(RUN_DIR, f));
}

/** Stops dev services left running (pid files in .data/dev/run), gateway first. */
export async function stopDevServices(log: (l: string) => void): Promise<void> {
  for (const name of [...START_ORDER].reverse()) {
    for (const file of pidFilesOf(name)) {
      const pid = livePid(file, serviceEntry(name));
      if (pid) {
        log(`stopping ${path.basename(file, '.pid')} (pid ${pid})`);
        // Each service is its own process group (spawned detached): stop the group.
        await terminate(pid, { group: true, timeoutMs: 10_000 });
      }
      fs.rmSync(file, { force: true });
    }
  }
}

async function main(): Promise<void> {
  const log = (l: string) => console.log(`[down] ${l}`);
  const upPid = readPid(UP_PID_FILE);
  if (upPid && upPid !== process.pid && isAlive(upPid, UP_CMDLINE)) {
    log(`asking the running "npm run up" (pid ${upPid}) to shut down`);
    process.kill(upPid, 'SIGTERM');
    if (!(await waitForExit(upPid, 60_000))) {
      log(`pid ${upPid} did not exit; killing it`);
      process.kill(upPid, 'SIGKILL');
    }
  }
  fs.rmSync(UP_PID_FILE, { force: true });
  await stopDevServices(log);
  await stopInfra({ ...DEV_INFRA_OPTIONS, log });
  if (process.argv.includes('--test') || process.argv.includes('--all')) {
    await stopInfra({ ...TEST_INFRA_OPTIONS, log });
  }
  log('everything is stopped (data kept in .data/)');
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
