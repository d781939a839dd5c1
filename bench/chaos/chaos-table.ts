/** The chaos run's one table: a row per scenario, a column per audit line. */
import type { ScenarioResult } from './run-scenario';

/**
 * Short column names for the audit's lines (bench/flash-sale/sale-audit.ts). The columns are the
 * lines the audit wrote, so a line renamed there still shows (under its own name), never a blank.
 */
const SHORT_NAMES: Record<string, string> = {
  'no seat sold twice': 'sold once',
  'every sold seat has exactly one valid ticket': '1 ticket/seat',
  'every sold seat has exactly one successful charge': '1 charge/seat',
  'no charge without a ticket or a refund': 'charge → ticket or refund',
  'no hold alive after HOLD_TTL': 'no hold after TTL',
  'the seat map and the availability equal the database': 'seat map = DB',
  "Temporal's booking workflows per status equal the database's": 'Temporal = DB',
  "the buyers' answers match the database": 'answers = DB',
};

export function chaosTable(results: ScenarioResult[]): string {
  const lines = [...new Set(results.flatMap((r) => r.audit.map((l) => l.name)))];
  const header = ['scenario', 'buyers', 'holds', 'sold', '5xx (not 503+Retry-After)', '503 + Retry-After', 'never answered (after retries)', 'recovered (s)', ...lines.map((name) => SHORT_NAMES[name] ?? name)];
  const rows = results.map((r) => [
    r.scenario.title,
    String(r.buyers),
    String(r.holds),
    String(r.sold),
    String(r.otherServerErrors),
    String(r.unavailable),
    String(r.unanswered),
    r.recoverSeconds.toFixed(1),
    ...lines.map((name) => {
      const line = r.audit.find((l) => l.name === name);
      return line ? (line.ok ? 'pass' : '**FAIL**') : '**not audited**';
    }),
  ]);
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A run passes when it was audited, every audit line passes and no request got a 5xx other than a 503 with Retry-After. */
export const passed = (r: ScenarioResult) => r.otherServerErrors === 0 && r.audit.length > 0 && r.audit.every((l) => l.ok);

/** Each failing audit line with its detail, and what was noticed on the way. */
export function chaosDetails(results: ScenarioResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const failing = r.audit.filter((l) => !l.ok);
    if (!failing.length && !r.notes.length) continue;
    out.push(`- ${r.scenario.title}:`);
    for (const l of failing) out.push(`  - FAIL ${l.name}: ${l.detail}`);
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return out.join('\n');
}
