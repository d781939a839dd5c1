/**
 * Which Temporal server the local stack should run (issue 20), measured in
 * one run on this machine: the no-op and the booking-shaped baselines
 * (bench/baselines.ts) against each flavour of devstack/infra
 * (InfraOptions.temporal), each started fresh on its own ports and data
 * folder, with the CPU each spends per workflow (the server, PostgreSQL when
 * it is the server's store, and this process: the worker and the client).
 *
 *   npm run build && node dist/bench/temporal-servers.js [--concurrency 50,500] [--seconds 10] [--flavors dev,dev-tuned,server]
 *
 * Needs nothing running (it starts and stops its own servers); run it on a
 * quiet machine. Prints a table and appends its rows to bench/RESULTS.md.
 */
import fs from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { infraUrls, startInfra, stopInfra, type InfraOptions } from '../devstack/infra';
import { TEMPORAL_FLAVORS, type TemporalFlavor } from '../devstack/infra/options';
import { REPO_ROOT } from '../services/shared/repo-root';
import { temporalBaseline } from './baselines';
import { cpuSnapshot, cpuSpent, stackProcesses } from './flash-sale/process-cpu';
import { fmt, opsPerSecond, p99 } from './flash-sale/report';
import { percentile, type LoadResult } from './load';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '50,500' },
    seconds: { type: 'string', default: '10' },
    flavors: { type: 'string', default: TEMPORAL_FLAVORS.join(',') },
    'no-results-row': { type: 'boolean', default: false },
  },
});
const concurrencies = values.concurrency!.split(',').map(Number);
const seconds = Number(values.seconds);
const flavors = values.flavors!.split(',') as TemporalFlavor[];
for (const f of flavors) if (!TEMPORAL_FLAVORS.includes(f)) throw new Error(`--flavors: ${f} is not one of ${TEMPORAL_FLAVORS.join(', ')}`);

const log = (l: string) => console.error(`[temporal-servers ${new Date().toISOString().slice(11, 19)}] ${l}`);

interface Row {
  flavor: TemporalFlavor;
  shape: 'noop' | 'booking';
  concurrency: number;
  result: LoadResult;
  /** CPU ms per workflow: the server, its PostgreSQL (the real server's store), this process (worker and client). */
  server: number;
  postgres: number;
  self: number;
}

async function measureFlavor(flavor: TemporalFlavor): Promise<Row[]> {
  const o: InfraOptions = {
    dataDir: path.join(REPO_ROOT, '.data', 'bench-temporal', flavor),
    pgPort: 25432,
    redisPort: 26379,
    temporalPort: 27233,
    temporalUiPort: null,
    // Never started here (the Kubernetes API server is for the k8s tests), but every stack names its ports.
    kubeApiPort: 26443,
    etcdPort: 22379,
    // Every flavour starts from nothing, and keeps its history on disk as the dev stack does.
    fast: false,
    temporal: flavor,
    log,
  };
  fs.rmSync(o.dataDir, { recursive: true, force: true });
  const rows: Row[] = [];
  await startInfra(o);
  try {
    const processes = stackProcesses(o.dataDir);
    for (const shape of ['noop', 'booking'] as const) {
      for (const concurrency of concurrencies) {
        log(`${flavor}: ${shape} at C=${concurrency}, ${seconds}s`);
        const [cpu0, self0] = [cpuSnapshot(processes), process.cpuUsage()];
        const result = await temporalBaseline({ concurrency, seconds, temporalAddress: infraUrls(o).temporalAddress, shape });
        const [spent, self] = [cpuSpent(cpu0, cpuSnapshot(processes)), process.cpuUsage(self0)];
        // The warm-up round ran `concurrency` workflows more than the measured ones.
        const workflows = result.ops + concurrency;
        rows.push({
          flavor,
          shape,
          concurrency,
          result,
          server: (spent.get('temporal server') ?? NaN) / workflows,
          postgres: (spent.get('postgresql') ?? 0) / workflows,
          self: (self.user + self.system) / 1000 / workflows,
        });
      }
    }
  } finally {
    await stopInfra(o);
  }
  return rows;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const flavor of flavors) rows.push(...(await measureFlavor(flavor)));
  const stamp = new Date().toISOString();
  const table = [
    '| date | Temporal | workflow | C | workflows/s | p50 ms | p99 ms | errors | server CPU ms/wf | PostgreSQL CPU ms/wf | worker+client CPU ms/wf | cores |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${stamp.slice(0, 10)} | ${r.flavor} | ${r.shape === 'noop' ? 'no-op Update-with-Start' : 'booking-shaped'} | ${r.concurrency} | ${fmt(opsPerSecond(r.result))} | ${fmt(percentile(r.result.latencies, 50))} | ${fmt(p99(r.result))} | ${r.result.errors} | ${fmt(r.server, 1)} | ${fmt(r.postgres, 1)} | ${fmt(r.self, 1)} | ${cpus().length} |`,
    ),
  ];
  console.log(table.join('\n'));
  if (!values['no-results-row']) {
    const file = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
    const command = `node dist/bench/temporal-servers.js ${process.argv.slice(2).join(' ')}`.trim();
    fs.appendFileSync(file, `\n### Temporal servers, one run (\`${command}\`, ${stamp})\n\n${table.join('\n')}\n`);
    log('rows added to bench/RESULTS.md');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
