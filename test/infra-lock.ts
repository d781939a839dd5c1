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
  await acquireFileLock(LOCK, WAIT_MS, (holder) => log(`waiting for another jest run (pid ${holder}) to finish with the test infrastructure`));
}

export function releaseTestInfraLock(): void {
  releaseFileLock(LOCK);
}

/** Takes `file` as a lock holding this process's pid, waiting while a live process holds it (a dead holder's lock is taken over). */
export async function acquireFileLock(file: string, waitMs: number, onWait: (holder: number) => void = () => undefined): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readPid(file);
    if (holder === process.pid) return;
    if (!holder || !isAlive(holder)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`pid ${holder} has held ${file} for ${Math.round(waitMs / 60_000)} minutes`);
    if (!told) onWait(holder);
    told = true;
    await sleep(250);
  }
}

export function releaseFileLock(file: string): void {
  if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
}
