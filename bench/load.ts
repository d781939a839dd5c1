/**
 * Shared measurement helpers for the benches: a closed-loop load generator
 * (C workers, each issuing its next operation as soon as the previous one
 * finishes) and nearest-rank percentiles.
 */

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export interface LoadOptions {
  concurrency: number;
  /** Stop issuing new operations after this many seconds (in-flight ones finish). */
  seconds?: number;
  /** Stop after this many operations in total. */
  count?: number;
}

export interface LoadResult {
  ops: number;
  errors: number;
  /** Wall time from the first issue to the last completion. */
  seconds: number;
  /** Latencies (ms) of successful operations, ascending. */
  latencies: number[];
  /** The first error seen, for the report. */
  firstError?: unknown;
}

/**
 * Runs `op` from `concurrency` concurrent loops until `seconds` have passed or
 * `count` operations were issued (whichever comes first; at least one must be
 * given). `op` receives a global sequence number.
 */
export async function runLoad(op: (seq: number) => Promise<unknown>, o: LoadOptions): Promise<LoadResult> {
  if (o.seconds === undefined && o.count === undefined) throw new Error('runLoad: give seconds or count');
  const deadline = o.seconds === undefined ? Infinity : performance.now() + o.seconds * 1000;
  const count = o.count ?? Infinity;
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: unknown;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (issued < count && performance.now() < deadline) {
        const seq = issued++;
        const t0 = performance.now();
        try {
          await op(seq);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= err;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length + errors, errors, seconds, latencies, firstError };
}

export const TABLE_HEADER = [
  '| baseline | C | ops | ops/s | p50 ms | p95 ms | p99 ms | max ms | errors |',
  '|---|---|---|---|---|---|---|---|---|',
].join('\n');

/** One markdown table row for `r`; ops/s counts successful operations only. */
export function tableRow(name: string, concurrency: number, r: LoadResult): string {
  const ms = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(1));
  const s = r.latencies;
  return `| ${name} | ${concurrency} | ${r.ops} | ${(s.length / r.seconds).toFixed(1)} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 95))} | ${ms(percentile(s, 99))} | ${ms(s[s.length - 1] ?? NaN)} | ${r.errors} |`;
}
