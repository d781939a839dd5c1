import { spawn } from 'node:child_process';
import { cpuSnapshot, cpuSpent, treeCpuMs } from '../../bench/flash-sale/process-cpu';

// The flash-sale bench's CPU per process, from /proc: a process tree's time counts its children.
describe('process CPU from /proc', () => {
  /** Spins until this process has used `ms` of CPU (however busy the machine is). */
  const burn = (ms: number) => `const t0 = process.cpuUsage(); for (;;) { const u = process.cpuUsage(t0); if ((u.user + u.system) / 1000 >= ${ms}) break; }`;

  it("counts a live child's CPU and, once it exits, the time the parent reaped", async () => {
    const before = treeCpuMs(process.pid)!;
    const child = spawn(process.execPath, ['-e', `${burn(400)}; console.log('burned'); setTimeout(() => {}, 500)`]);
    await new Promise((r) => child.stdout.once('data', r));
    expect(treeCpuMs(process.pid)! - before).toBeGreaterThanOrEqual(380);
    await new Promise((r) => child.on('exit', r));
    expect(treeCpuMs(process.pid)! - before).toBeGreaterThanOrEqual(380);
  });

  it('reports the time each named process spent between two snapshots, and nothing for a process that does not exist', () => {
    const named = new Map([['me', process.pid]]);
    const s0 = cpuSnapshot(named);
    new Function(burn(200))();
    expect(cpuSpent(s0, cpuSnapshot(named)).get('me')).toBeGreaterThanOrEqual(180);
    expect(treeCpuMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
