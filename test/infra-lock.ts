import fs from 'node:fs';
import path from 'node:path';
import { TEST_INFRA_OPTIONS } from '../devstack/infra';
import { isAlive, readPid, sleep } from '../devstack/infra/processes';

/**
 * One jest run at a time owns the test infrastructure: a second run's global
 * setup would wipe the database under the first, and its teardown would stop
 * the servers the first still uses. The lock holds the pid of the jest
 * process (global setup and teardown both run in it); a dead holder's lock is
 * taken over.
 */
const LOCK = path.join(TEST_INFRA_OPTIONS.dataDir, 'jest-run.lock');
const WAIT_MS = 30 * 60_000;

export async function acquireTestInfraLock(log: (l: string) => void): Promise<void> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readPid(LOCK);
    if (holder === process.pid) return;
    if (!holder || !isAlive(holder)) {
      fs.rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another jest run (pid ${holder}) has held ${LOCK} for ${WAIT_MS / 60_000} minutes`);
    if (!told) log(`waiting for another jest run (pid ${holder}) to finish with the test infrastructure`);
    told = true;
    await sleep(1000);
  }
}

export function releaseTestInfraLock(): void {
  if (readPid(LOCK) === process.pid) fs.rmSync(LOCK, { force: true });
}
