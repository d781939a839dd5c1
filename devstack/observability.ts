/**
 * `npm run up -- --traces`: a trace viewer for the local stack. Jaeger v2's
 * all-in-one (built once from its Go module by devstack/go-tools/build.sh
 * jaeger into .tools/, then reused), in memory, on loopback: the services
 * get OTEL_EXPORTER_OTLP_ENDPOINT pointing at its OTLP/HTTP receiver, and
 * its query API and UI answer on JAEGER_UI_PORT. Without the flag nothing
 * of this runs and the services trace nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../services/shared/repo-root';
import { DEV_PORT_OFFSET } from './infra/options';
import { isExecutable, sleep, tail, terminate } from './infra/processes';

/** Jaeger's own defaults, moved with the stack's other ports (DEV_PORT_OFFSET). */
const PORTS = {
  JAEGER_OTLP_HTTP_PORT: 4318,
  JAEGER_OTLP_GRPC_PORT: 4317,
  JAEGER_UI_PORT: 16686,
  JAEGER_QUERY_GRPC_PORT: 16685,
  JAEGER_HEALTH_PORT: 13133,
} as const;
const port = (name: keyof typeof PORTS) => PORTS[name] + DEV_PORT_OFFSET;

const JAEGER = path.join(REPO_ROOT, '.tools', 'bin', 'jaeger');
const CONFIG = path.join(REPO_ROOT, 'devstack', 'go-tools', 'jaeger', 'config.yaml');

export interface TraceViewer {
  /** What the services get as OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpEndpoint: string;
  url: string;
  stop(): Promise<void>;
}

export async function startTraceViewer(logDir: string, log: (line: string) => void): Promise<TraceViewer> {
  if (!isExecutable(JAEGER)) {
    log('building Jaeger from its Go module (first time only: several minutes of CPU)');
    const built = spawnSync('bash', [path.join(REPO_ROOT, 'devstack', 'go-tools', 'build.sh'), 'jaeger'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('building Jaeger failed (devstack/go-tools/build.sh jaeger)');
  }
  const logFile = path.join(logDir, 'jaeger.log');
  const out = fs.openSync(logFile, 'w');
  const env = { ...process.env, ...Object.fromEntries(Object.keys(PORTS).map((k) => [k, String(port(k as keyof typeof PORTS))])) };
  const child: ChildProcess = spawn(JAEGER, ['--config', CONFIG], { cwd: REPO_ROOT, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const health = `http://127.0.0.1:${port('JAEGER_HEALTH_PORT')}/status`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`Jaeger exited (${child.exitCode}); last lines of ${logFile}:\n${tail(logFile)}`);
    const ok = await fetch(health).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 120) throw new Error(`Jaeger did not answer ${health} in 30 s; last lines of ${logFile}:\n${tail(logFile)}`);
    await sleep(250);
  }
  return {
    otlpEndpoint: `http://127.0.0.1:${port('JAEGER_OTLP_HTTP_PORT')}`,
    url: `http://localhost:${port('JAEGER_UI_PORT')}`,
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null) await terminate(child.pid, { timeoutMs: 5_000 });
    },
  };
}
