import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The doors between the rooms (.dependency-cruiser.cjs, ARCHITECTURE.md):
 * checked with dependency-cruiser over the real tree, and shown to catch each
 * kind of violation in a miniature tree where one of each is planted.
 */
const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/import-boundaries');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function violations(cwd: string, folders: string[]): Violation[] {
  const args = ['--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--ts-config', path.join(ROOT, 'tsconfig.json'), '--output-type', 'json', ...folders];
  let out: string;
  try {
    out = execFileSync(path.join(ROOT, 'node_modules/.bin/depcruise'), args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    // depcruise exits non-zero when it finds violations; its report is still on stdout.
    out = (err as { stdout?: string }).stdout ?? '';
    if (!out) throw err;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('import boundaries', () => {
  it('the tree crosses no door: services, contracts, workflows, activities, charts, the web app', () => {
    const found = violations(ROOT, ['contracts', 'services', 'activities', 'workflows', 'charts', 'cdk8s', 'devstack', 'bench', 'web']);
    expect(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 60_000);

  it('catches each kind of crossing planted in a miniature tree', () => {
    const found = violations(FIXTURE, ['contracts', 'services', 'activities', 'workflows', 'charts', 'devstack', 'web']);
    const of = (rule: string) => found.filter((v) => v.rule.name === rule).map((v) => `${v.from} → ${v.to}`);
    expect(of('service-to-other-service')).toEqual(['services/booking/bookings.ts → services/catalog/seat-view.ts']);
    expect(of('service-to-workflow-code')).toEqual(['services/booking/bookings.ts → workflows/booking.ts']);
    expect(of('shared-plumbing-to-service')).toEqual(['services/shared/http.ts → services/booking/bookings.ts']);
    expect(of('contracts-to-implementation')).toEqual(['contracts/types.ts → services/catalog/seat-view.ts']);
    expect(of('activities-to-workflows')).toEqual(['activities/booking.ts → workflows/booking.ts']);
    expect(of('workflows-to-activity-code')).toEqual(['workflows/booking.ts → activities/booking.ts']);
    expect(of('workflows-to-runtime-code')).toEqual(['workflows/booking.ts → services/shared/http.ts']);
    expect(of('production-to-dev-tooling')).toEqual(['charts/units.ts → devstack/dev-env.ts']);
    // A type from contracts and its browser-safe codec are fine; a contract's code or a service's is not.
    expect(of('web-to-server-code')).toEqual(['web/src/seat-map.ts → services/catalog/seat-view.ts']);
    expect(of('web-to-contract-code')).toEqual(['web/src/seat-map.ts → contracts/types.ts']);
    expect(of('no-import-cycles')).toEqual(expect.arrayContaining(['services/catalog/app.ts → services/catalog/deps.ts']));
  }, 60_000);
});
