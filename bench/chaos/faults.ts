/**
 * The faults a chaos run injects into a supervised stack (chaos-stack.ts),
 * and the waits that tell when it has healed.
 */
import { flushRedis, stopPostgres, stopRedis, temporalProcess } from '../../devstack/infra';
import { sleep } from '../../devstack/infra/processes';
import { holdDown, readSupervisorStatus, releaseHold } from '../../devstack/supervisor';
import type { ChaosStack } from './chaos-stack';

export type Log = (line: string) => void;

const restartsOf = (s: ChaosStack, unit: string) => readSupervisorStatus(s.runDir)?.units[unit]?.restarts ?? 0;

/** Waits until the supervisor has restarted `unit` (more restarts than `before`) and it runs again. */
export async function untilRestarted(s: ChaosStack, unit: string, before: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const u = readSupervisorStatus(s.runDir)?.units[unit];
    if (u && u.restarts > before && u.state === 'running') return;
    if (Date.now() > deadline) throw new Error(`${unit} did not come back within ${timeoutMs / 1000}s (${u?.state ?? 'unknown'})`);
    await sleep(100);
  }
}

/** Waits until every replica (but those held down) answers /readyz 200: each reaches everything it depends on. */
export async function untilHealthy(s: ChaosStack, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const units = readSupervisorStatus(s.runDir)?.units ?? {};
    const replicas = s.replicas.filter((r) => units[r.name]?.state !== 'held');
    const answers = await Promise.all(
      replicas.map((r) =>
        fetch(`http://127.0.0.1:${r.port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
          (res) => res.status,
          () => 0,
        ),
      ),
    );
    if (answers.every((a) => a === 200)) return;
    if (Date.now() > deadline) {
      throw new Error(`not healthy after ${timeoutMs / 1000}s: ${replicas.filter((_, i) => answers[i] !== 200).map((r) => r.name).join(', ')}`);
    }
    await sleep(200);
  }
}

/** Sends `signal` to the process the supervisor runs as `unit`; returns its restart count before. */
export function signal(s: ChaosStack, unit: string, sig: NodeJS.Signals, log: Log): number {
  const before = restartsOf(s, unit);
  const pid = s.pidOf(unit);
  log(`${sig} → ${unit} (pid ${pid})`);
  process.kill(pid, sig);
  return before;
}

/** SIGKILLs `unit` and waits until the supervisor has it running again. Returns when it was killed (the end of the fault). */
export async function killAndWait(s: ChaosStack, unit: string, log: Log): Promise<number> {
  const before = signal(s, unit, 'SIGKILL', log);
  const killed = Date.now();
  await untilRestarted(s, unit, before);
  return killed;
}

/**
 * Stops a server for `downMs` with the supervisor held off, then lets the
 * supervisor start it again, and waits until it runs: an outage the
 * supervisor does not end early. Returns when it was let back (the end of the fault).
 */
export async function outage(s: ChaosStack, unit: 'postgres' | 'redis' | 'temporal', downMs: number, log: Log): Promise<number> {
  const before = restartsOf(s, unit);
  holdDown(s.runDir, unit);
  let released: number;
  try {
    const quiet = () => undefined;
    log(`stopping ${unit} for ${downMs / 1000}s`);
    if (unit === 'postgres') await stopPostgres(s.infraOptions, quiet);
    else if (unit === 'redis') await stopRedis(s.infraOptions, quiet);
    else await temporalProcess(s.infraOptions).stop(quiet);
    await sleep(downMs);
  } finally {
    releaseHold(s.runDir, unit);
    released = Date.now();
  }
  await untilRestarted(s, unit, before);
  log(`${unit} is back`);
  return released;
}

/** FLUSHALL; returns when it was done. */
export async function flush(s: ChaosStack, log: Log): Promise<number> {
  log('FLUSHALL');
  await flushRedis(s.infraOptions);
  return Date.now();
}

/** SIGTERM to every service replica, one at a time, each back and ready before the next (a rolling redeploy). Returns when the last was signalled. */
export async function rollingRestart(s: ChaosStack, log: Log): Promise<number> {
  let last = Date.now();
  for (const r of s.replicas) {
    const before = signal(s, r.name, 'SIGTERM', log);
    last = Date.now();
    await untilRestarted(s, r.name, before);
  }
  return last;
}
