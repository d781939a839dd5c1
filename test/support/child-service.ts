import { spawn } from 'node:child_process';
import path from 'node:path';
import { serviceEntry, type ServiceName } from '../../contracts/platform';
import { eventually } from './eventually';

const ROOT = path.resolve(__dirname, '../..');

export interface ChildService {
  url: string;
  stop(): Promise<void>;
}

/**
 * A service's real entry point (dist/services/<name>/main.js) in a child
 * process, as `npm run up` runs it: for what only the entry point sets up
 * (the worker's Temporal Runtime, tracing's instrumentations), which an
 * in-process stack cannot show. Resolves once its /readyz answers 200.
 */
export async function startChildService(
  name: ServiceName,
  env: Record<string, string>,
  o: { readyTimeoutMs?: number; /** /healthz for a service whose readiness needs neighbours the test does not start. */ probe?: string } = {},
): Promise<ChildService> {
  const child = spawn(process.execPath, [serviceEntry(name)], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => void (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => void (output = (output + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${env.PORT}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
      const res = await fetch(`${url}${o.probe ?? '/readyz'}`);
      if (!res.ok) throw new Error(`${name} ${o.probe ?? '/readyz'} answered ${res.status}`);
    }, o.readyTimeoutMs ?? 30_000, 250);
  } catch (err) {
    await stop();
    throw new Error(`${name} did not start: ${(err as Error).message}\n${output.slice(-4_000)}`);
  }
  return { url, stop };
}
