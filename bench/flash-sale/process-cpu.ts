/**
 * CPU time of each process of the local stack, read from /proc before and
 * after a sale: where each millisecond of a booking goes. A process's time is
 * its own (utime + stime) plus that of its children it has waited for
 * (cutime + cstime), plus its live descendants' own: PostgreSQL serves every
 * connection from a child process, most of which live as long as the pool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPid } from '../../devstack/infra/processes';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  /** Own user + system time, ms. */
  own: number;
  /** Reaped children's user + system time, ms. */
  reaped: number;
}

function stat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: fields start after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ms = (i: number) => (Number(f[i]) * 1000) / TICKS_PER_SECOND;
    // After ')': state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return { pid, ppid: Number(f[1]), own: ms(11) + ms(12), reaped: ms(13) + ms(14) };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcStat[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => stat(Number(d)) ?? []);
}

/** CPU ms of a process tree now: the root's own and reaped time, and every live descendant's own. */
export function treeCpuMs(root: number, procs = allProcesses()): number | undefined {
  const top = procs.find((p) => p.pid === root);
  if (!top) return undefined;
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let total = top.own + top.reaped;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    total += p.own;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return total;
}


/** The processes of the stack `npm run up` runs from `dataDir`, by name (from their pid files). */
export function stackProcesses(dataDir: string): Map<string, number> {
  const found = new Map<string, number>();
  const run = path.join(dataDir, 'run');
  for (const f of fs.existsSync(run) ? fs.readdirSync(run) : []) {
    const pid = f.endsWith('.pid') && f !== 'up.pid' ? readPid(path.join(run, f)) : undefined;
    if (pid) found.set(f.slice(0, -'.pid'.length), pid);
  }
  const servers: [string, string][] = [
    ['temporal server', 'temporal/temporal.pid'],
    ['temporal server', 'temporal-server/temporal-server.pid'],
    ['redis', 'redis/redis.pid'],
    ['postgresql', 'postgres/data/postmaster.pid'],
  ];
  for (const [name, file] of servers) {
    const pid = readPid(path.join(dataDir, file));
    if (pid) found.set(name, pid);
  }
  return found;
}

/** CPU ms of each named process (and its descendants), read all at once. */
export function cpuSnapshot(processes: Map<string, number>): Map<string, number> {
  const procs = allProcesses();
  const out = new Map<string, number>();
  for (const [name, pid] of processes) {
    const ms = treeCpuMs(pid, procs);
    if (ms !== undefined) out.set(name, ms);
  }
  return out;
}

/** CPU ms spent per process between two snapshots. */
export function cpuSpent(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, ms]) => [name, ms - (before.get(name) ?? ms)]));
}
