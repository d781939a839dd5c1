/**
 * The chaos benchmark's table shows the audit lines the audit actually wrote:
 * a line renamed in bench/flash-sale/sale-audit.ts keeps its column (under
 * its own name) instead of turning into a blank that reads like a pass.
 */
import { chaosTable, passed } from '../../bench/chaos/chaos-table';
import type { ScenarioResult } from '../../bench/chaos/run-scenario';

const result = (audit: ScenarioResult['audit']): ScenarioResult => ({
  scenario: { title: 'worker SIGKILLed' } as ScenarioResult['scenario'],
  buyers: 10,
  holds: 3,
  sold: 2,
  otherServerErrors: 0,
  unavailable: 0,
  unanswered: 0,
  recoverSeconds: 1,
  audit,
  notes: [],
});

describe('the chaos table', () => {
  it('has a column per audit line written, short names where known, and marks a failing line', () => {
    const table = chaosTable([
      result([
        { name: 'no seat sold twice', ok: true, detail: '' },
        { name: 'a line the table has no short name for', ok: false, detail: '' },
      ]),
    ]);
    const [header, , row] = table.split('\n');
    expect(header).toContain('| sold once | a line the table has no short name for |');
    expect(row).toMatch(/\| pass \| \*\*FAIL\*\* \|$/);
  });

  it('marks a scenario without one of the lines another one has as not audited', () => {
    const line = { name: 'no seat sold twice', ok: true, detail: '' };
    const [, , , second] = chaosTable([result([line]), result([])]).split('\n');
    expect(second).toMatch(/\| \*\*not audited\*\* \|$/);
  });

  it('passes a scenario only when it was audited, every line passed and no 5xx but 503 with Retry-After', () => {
    const ok = { name: 'no seat sold twice', ok: true, detail: '' };
    expect(passed(result([ok]))).toBe(true);
    expect(passed(result([]))).toBe(false);
    expect(passed(result([ok, { ...ok, ok: false }]))).toBe(false);
    expect(passed({ ...result([ok]), otherServerErrors: 1 })).toBe(false);
  });
});
