/**
 * Process and readiness helpers of the local stack: pid files, signals,
 * port checks and waiting for a server to answer.
 */
import fs from 'node:fs';
import net from 'node:net';

export const READY_TIMEOUT_MS = 60_000;
export const STOP_TIMEOUT_MS = 15_000;

export function defaultLog(line: string): void {
  console.log(`[infra] ${line}`);
}

export function readPid(file: string): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The pid in a pid file, if that process is alive and its command line includes `cmdlineIncludes`; else null. */
export function livePid(pidFile: string, cmdlineIncludes: string): number | null {
  const pid = readPid(pidFile);
  return pid && isAlive(pid, cmdlineIncludes) ? pid : null;
}

/**
 * Whether `pid` is a live (non-zombie) process; with `cmdlineIncludes`, also
 * whether its command line contains that text (guards against a recycled pid
 * in a stale pid file).
 */
export function isAlive(pid: number, cmdlineIncludes?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (cmdlineIncludes !== undefined) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return cmdline.includes(cmdlineIncludes);
    }
  } catch {
    // No /proc (not Linux): trust kill(0).
  }
  return true;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** SIGTERM (to the process group with `group`), then SIGKILL after `timeoutMs`. */
export async function terminate(pid: number, opts: { timeoutMs: number; group?: boolean }): Promise<void> {
  const target = opts.group ? -pid : pid;
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  send('SIGTERM');
  if (await waitForExit(pid, opts.timeoutMs)) return;
  send('SIGKILL');
  await waitForExit(pid, 5000);
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  if (await portInUse(port)) {
    throw new Error(
      `cannot start ${what}: port ${port} on 127.0.0.1 is taken by another process ` +
        `(not one started from this data dir). Stop it, or find it with: ss -ltnp 'sport = :${port}'`,
    );
  }
}

export class FatalError extends Error {}

/** Polls `probe` until it succeeds; on timeout (or a FatalError) throws with the tail of `logFile`. */
export async function waitFor(
  what: string,
  logFile: string,
  probe: () => Promise<void>,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      await probe();
      return;
    } catch (e) {
      last = e;
      if (e instanceof FatalError || Date.now() > deadline) break;
    }
    await sleep(250);
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new Error(`${what} is not ready after ${Math.round(timeoutMs / 1000)}s: ${reason}\n--- tail of ${logFile} ---\n${tail(logFile)}`);
}

export function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

