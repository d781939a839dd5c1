import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSupervisor, holdDown, readSupervisorStatus, releaseHold, restartDelay, type Running } from '../../devstack/supervisor';
import { isAlive } from '../../devstack/infra/processes';
import { eventually } from '../support/eventually';

describe('restart delays', () => {
  it('double with each restart in a row, from half a second up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(restartDelay(40)).toBe(30_000);
  });
});

/**
 * The supervisor on real processes (`sleep`), each a unit as `npm run up`
 * makes its services: a child whose exit is reported.
 */
describe('the supervisor', () => {
  let runDir: string;
  let lines: string[];
  const pids = new Set<number>();
  beforeEach(() => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
    lines = [];
  });
  afterEach(() => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  const unit = (name: string) => ({
    name,
    async start(): Promise<Running> {
      const child = spawn('sleep', ['600'], { stdio: 'ignore' });
      pids.add(child.pid!);
      return { pid: child.pid!, exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`))) };
    },
  });
  const pidOf = (name: string) => readSupervisorStatus(runDir)!.units[name]!.pid;

  it('restarts a unit that is killed, counts and says so, and leaves the others running', async () => {
    const s = createSupervisor({ runDir, log: (l) => lines.push(l) });
    await s.add(unit('a'));
    await s.add(unit('b'));
    const [a, b] = [pidOf('a')!, pidOf('b')!];
    process.kill(a, 'SIGKILL');
    await eventually(async () => expect(readSupervisorStatus(runDir)!.units.a).toMatchObject({ state: 'running', restarts: 1 }), 5_000, 50);
    expect(pidOf('a')).not.toBe(a);
    expect(isAlive(pidOf('a')!)).toBe(true);
    expect(pidOf('b')).toBe(b);
    expect(lines).toContain('a exited (SIGKILL); restart 1 in 0.5s');

    // Again, soon after: the next delay is twice as long.
    process.kill(pidOf('a')!, 'SIGTERM');
    await eventually(async () => expect(readSupervisorStatus(runDir)!.units.a).toMatchObject({ state: 'running', restarts: 2 }), 5_000, 50);
    expect(lines).toContain('a exited (SIGTERM); restart 2 in 1.0s');
    s.stopAll();
  });

  it('keeps a held unit down until its hold is released', async () => {
    const s = createSupervisor({ runDir, log: (l) => lines.push(l), pollMs: 50 });
    await s.add(unit('a'));
    holdDown(runDir, 'a');
    process.kill(pidOf('a')!, 'SIGKILL');
    await eventually(async () => expect(readSupervisorStatus(runDir)!.units.a!.state).toBe('held'), 5_000, 50);
    await new Promise((r) => setTimeout(r, 500));
    expect(readSupervisorStatus(runDir)!.units.a).toMatchObject({ state: 'held', pid: null });
    releaseHold(runDir, 'a');
    await eventually(async () => expect(readSupervisorStatus(runDir)!.units.a).toMatchObject({ state: 'running', restarts: 1 }), 5_000, 50);
    s.stopAll();
  });

  it('restarts nothing once stopping', async () => {
    const s = createSupervisor({ runDir, log: (l) => lines.push(l) });
    await s.add(unit('a'));
    const a = pidOf('a')!;
    s.stopAll();
    process.kill(a, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(readSupervisorStatus(runDir)!.units.a!.pid).toBe(a);
    expect(lines).toEqual([]);
  });
});
