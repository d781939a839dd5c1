/** The benchmark's printed tables and its row in bench/RESULTS.md. */
import fs from 'node:fs';
import type { LoadResult } from '../load';
import { percentile } from '../load';
import type { EndpointSummary } from './recorder';

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function endpointTable(rows: EndpointSummary[]): string {
  const out = ['| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | statuses |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const statuses = [...r.statuses].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}×${n}`).join(' ');
    out.push(`| ${r.endpoint} | ${r.requests} | ${fmt(r.perSecond)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} | ${statuses} |`);
  }
  return out.join('\n');
}

export interface Measured {
  name: string;
  concurrency: number;
  result: LoadResult;
}

/** ops/s of successful operations, as bench/load.ts's tableRow counts them. */
export const opsPerSecond = (r: LoadResult) => r.latencies.length / r.seconds;
export const p99 = (r: LoadResult) => percentile(r.latencies, 99);

export function measuredTable(rows: Measured[]): string {
  const out = ['| measurement | C | ops | ops/s | p50 ms | p95 ms | p99 ms | max ms | errors |', '|---|---|---|---|---|---|---|---|---|'];
  for (const { name, concurrency, result: r } of rows) {
    const s = r.latencies;
    out.push(
      `| ${name} | ${concurrency} | ${r.ops} | ${fmt(opsPerSecond(r))} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 95))} | ${ms(percentile(s, 99))} | ${ms(s[s.length - 1] ?? NaN)} | ${r.errors} |`,
    );
  }
  return out.join('\n');
}

export interface Ratio {
  name: string;
  value: number;
  /** e.g. '≥ 0.8' */
  target: string;
  met: boolean | undefined;
  how: string;
}

export function ratioTable(rows: Ratio[]): string {
  const out = ['| ratio | value | target | met | from |', '|---|---|---|---|---|'];
  for (const r of rows) out.push(`| ${r.name} | ${fmt(r.value, 2)} | ${r.target} | ${r.met === undefined ? '–' : r.met ? 'yes' : 'NO'} | ${r.how} |`);
  return out.join('\n');
}

/** The processes of the system under test whose CPU counts as Temporal's. */
export const TEMPORAL_PROCESSES = ['temporal server', 'worker'];

/**
 * CPU milliseconds per sold booking, per process of the stack (the load
 * generator shown, not counted in the total), beside the same figure for the
 * booking-shaped baseline (Temporal's work for a paid booking, nothing else).
 */
export function cpuTable(spent: Map<string, number>, sold: number, shape?: { server: number; workerAndClient: number }): { table: string; total: number; outsideTemporal: number } {
  const rows = [...spent].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  const system = rows.filter(([name]) => name !== 'load generator');
  const total = system.reduce((t, [, ms]) => t + ms, 0);
  const temporal = system.filter(([name]) => TEMPORAL_PROCESSES.some((t) => name === t || name.startsWith(`${t}-`))).reduce((t, [, ms]) => t + ms, 0);
  const lines = ['| process | CPU s during the sale | CPU ms per sold booking | share of the system |', '|---|---:|---:|---:|'];
  for (const [name, ms] of rows) {
    const share = name === 'load generator' ? '(not counted)' : `${((100 * ms) / total).toFixed(0)}%`;
    lines.push(`| ${name} | ${fmt(ms / 1000, 1)} | ${fmt(ms / sold, 1)} | ${share} |`);
  }
  lines.push(`| **the system (all but the load generator)** | ${fmt(total / 1000, 1)} | **${fmt(total / sold, 1)}** | 100% |`);
  if (shape) {
    lines.push(`| booking-shaped baseline, per workflow: Temporal server | | ${fmt(shape.server, 1)} | |`);
    lines.push(`| booking-shaped baseline, per workflow: its worker and client (in the bench process) | | ${fmt(shape.workerAndClient, 1)} | |`);
  }
  return { table: lines.join('\n'), total, outsideTemporal: total ? 1 - temporal / total : NaN };
}

const SECTION = '## Flash sale (bench/flash-sale), with the seat map in two parts and CPU per booking (issue 20)';
const HEADER =
  '| date | command | mode | S | B | C | holds/s | sold/s | POST /reservations p50 / p99 ms | holds/s ÷ UwS | holds/s ÷ booking-shaped | p99 ÷ booking-shaped p99 | availability ÷ Express | availability bytes | 409 ÷ Express | CPU ms per sold booking | outside Temporal | 5xx | timeouts | audit | cores |';

/**
 * Adds `row` to the flash-sale table of RESULTS.md, right after its last row
 * (the section and table are created at the end of the file the first time).
 */
export function appendResultsRow(file: string, row: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmark results\n';
  const lines = text.split('\n');
  const h = lines.indexOf(HEADER);
  if (h === -1) {
    const section = [
      '',
      SECTION,
      '',
      'Written by the benchmark itself (`npm run bench:flash-sale -- ...`, see `--help`), one row per run, against',
      '`HOLD_TTL_SECONDS=30 npm run up` on this machine. Ratios are measured in the same run at the same concurrency:',
      'UwS = a bare Update-with-Start of a no-op workflow; booking-shaped = Update-with-Start, a second update, search',
      'attributes and a timer, no activities; Express = a bare Express route serving the same bytes (availability) or',
      'a constant JSON body (409). CPU per sold booking: every process of the stack from /proc, the load generator',
      'not counted; outside Temporal = the share of that CPU not spent by the Temporal server and the worker. The',
      'chart of each run is in bench/results/.',
      '',
      HEADER,
      `|${HEADER.split('|').slice(1, -1).map(() => '---').join('|')}|`,
      row,
    ];
    fs.writeFileSync(file, `${text.replace(/\n*$/, '\n')}${section.join('\n')}\n`);
    return;
  }
  let end = h + 1;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  lines.splice(end, 0, row);
  fs.writeFileSync(file, lines.join('\n'));
}
