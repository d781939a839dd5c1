/**
 * The local stack's supervisor, as the kubelet is a cluster's: every process
 * `npm run up` started (services, workers, and the PostgreSQL, Redis and
 * Temporal servers) is restarted when it exits without being asked to,
 * after a delay that doubles with each restart in a row (restartDelay);
 * the others keep running. Only stopAll (Ctrl-C, `npm run down`) stops
 * them, and then nothing restarts.
 *
 * How a process is watched depends on how it was started: a service is a
 * child of `npm run up`, whose exit (code or signal) is reported; a server
 * runs detached with a pid file (so a stack left running is reused, and
 * `npm run down` finds it), so its pid is polled, and its exit status is
 * not known.
 *
 * A unit can be held down: while RUN_DIR/hold/<unit> exists, it is not
 * restarted (the chaos benchmark stops PostgreSQL for ten seconds that way);
 * once the file is gone, it is started again.
 *
 * What runs, with pids and restart counts, is written to
 * RUN_DIR/supervisor.json on every change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, sleep } from './infra/processes';

export interface Running {
  pid: number;
  /** Resolves when the process has exited, with how: "SIGKILL", "code 1", "pid 123 gone" (a watched pid: no status). */
  exited: Promise<string>;
}

export interface Unit {
  name: string;
  /** Starts the process; resolves once it is ready, rejects if it is not. */
  start(restart: boolean): Promise<Running>;
}

export type UnitState = 'running' | 'restarting' | 'held';

export interface UnitStatus {
  pid: number | null;
  state: UnitState;
  restarts: number;
  /** When it was last started (ms since the epoch). */
  since: number;
}

export interface SupervisorStatus {
  pid: number;
  units: Record<string, UnitStatus>;
}

/** A process that ran this long before exiting starts its restart delays again from the first. */
export const STABLE_AFTER_MS = 60_000;

/** The delay before restart number `inARow` of a process that keeps exiting: 0.5 s, 1 s, 2 s, ... up to 30 s. */
export function restartDelay(inARow: number, baseMs = 500, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, inARow - 1));
}

/** The status file and the hold folder of a supervisor whose run files live in `runDir`. */
export const supervisorFiles = (runDir: string) => ({
  status: path.join(runDir, 'supervisor.json'),
  holdDir: path.join(runDir, 'hold'),
  hold: (unit: string) => path.join(runDir, 'hold', unit),
});

/** Keeps `unit` down once it exits (until releaseHold): what a chaos run does before it stops a server for a while. */
export function holdDown(runDir: string, unit: string): void {
  const f = supervisorFiles(runDir).hold(unit);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, `${new Date().toISOString()}\n`);
}

export function releaseHold(runDir: string, unit: string): void {
  fs.rmSync(supervisorFiles(runDir).hold(unit), { force: true });
}

/** What the supervisor running on `runDir` says (undefined when none runs). */
export function readSupervisorStatus(runDir: string): SupervisorStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(supervisorFiles(runDir).status, 'utf8')) as SupervisorStatus;
  } catch {
    return undefined;
  }
}

/** Resolves when `pid` is no longer alive (polled: it is not our child). */
export async function pidExit(pid: number, cmdlineIncludes: string, pollMs = 250): Promise<string> {
  while (isAlive(pid, cmdlineIncludes)) await sleep(pollMs);
  return `pid ${pid} gone`;
}

export function createSupervisor(o: { runDir: string; log: (line: string) => void; pollMs?: number }) {
  const files = supervisorFiles(o.runDir);
  const units = new Map<string, UnitStatus>();
  let stopping = false;

  const save = () => {
    const status: SupervisorStatus = { pid: process.pid, units: Object.fromEntries(units) };
    const tmp = `${files.status}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(status, null, 2)}\n`);
    fs.renameSync(tmp, files.status);
  };
  const set = (name: string, s: Partial<UnitStatus>) => {
    units.set(name, { ...(units.get(name) ?? { pid: null, state: 'running', restarts: 0, since: Date.now() }), ...s });
    save();
  };

  /** Restarts `unit` whenever it exits, until stopAll. */
  async function watch(unit: Unit, first: Running): Promise<void> {
    let running = first;
    let inARow = 0;
    for (;;) {
      const how = await running.exited;
      if (stopping) return;
      const ranMs = Date.now() - units.get(unit.name)!.since;
      inARow = ranMs >= STABLE_AFTER_MS ? 1 : inARow + 1;
      const restarts = units.get(unit.name)!.restarts + 1;
      const delay = restartDelay(inARow);
      set(unit.name, { pid: null, state: 'restarting', restarts });
      o.log(`${unit.name} exited (${how}); restart ${restarts} in ${(delay / 1000).toFixed(1)}s`);
      await sleep(delay);
      if (fs.existsSync(files.hold(unit.name))) {
        set(unit.name, { state: 'held' });
        o.log(`${unit.name} is held down (${path.relative(process.cwd(), files.hold(unit.name))}): not restarted until that file is gone`);
        while (fs.existsSync(files.hold(unit.name)) && !stopping) await sleep(o.pollMs ?? 250);
      }
      if (stopping) return;
      const started = Date.now();
      try {
        running = await unit.start(true);
      } catch (err) {
        if (stopping) return;
        o.log(`${unit.name} did not start again: ${(err as Error).message.split('\n')[0]}`);
        // A failed start counts as one more exit in a row (longer delay next time).
        running = { pid: 0, exited: Promise.resolve('did not start') };
        set(unit.name, { since: Date.now() });
        continue;
      }
      if (stopping) return;
      set(unit.name, { pid: running.pid, state: 'running', since: Date.now() });
      o.log(`${unit.name} is back (pid ${running.pid}, ready ${((Date.now() - started) / 1000).toFixed(1)}s after its start)`);
    }
  }

  return {
    /** Starts a unit for the first time (rejects if it does not come up), then keeps it running. */
    async add(unit: Unit): Promise<Running> {
      const running = await unit.start(false);
      set(unit.name, { pid: running.pid, state: 'running', restarts: 0, since: Date.now() });
      void watch(unit, running).catch((err: unknown) => o.log(`supervising ${unit.name} failed: ${String(err)}`));
      return running;
    },
    /** From now on, exits are expected: nothing is restarted. */
    stopAll(): void {
      stopping = true;
    },
    status: (): SupervisorStatus => ({ pid: process.pid, units: Object.fromEntries(units) }),
    /** Removes the status file (the stack is down). */
    clear(): void {
      fs.rmSync(files.status, { force: true });
    },
  };
}
export type Supervisor = ReturnType<typeof createSupervisor>;
