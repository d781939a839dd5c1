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

const SECTION = '## Flash sale (bench/flash-sale)';
const HEADER =
  '| date | command | mode | S | B | C | holds/s | POST /reservations p50 / p99 ms | holds/s ÷ UwS | p99 ÷ UwS p99 | seat-map ÷ Express | 409 ÷ Express | holds/s ÷ PG | 5xx | timeouts | audit | cores |';

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
      'UwS = a bare Update-with-Start of a no-op workflow; Express = a bare Express route serving the same bytes',
      '(seat map) or a constant JSON body (409); PG = a bare conditional UPDATE. The chart of each run is in bench/results/.',
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
