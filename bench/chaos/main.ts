/**
 * The chaos benchmark (issue 19): faults injected into a supervised local
 * stack during flash sales, each sale audited afterwards.
 *
 *   npm run bench:chaos -- --help
 *   npm run bench:chaos -- --seats 200 --buyers 1000
 *   npm run bench:chaos -- --scenarios worker-kill,postgres-10s
 *
 * It starts its own stack (`npm run up -- --workers 2` on other ports, with
 * an empty data folder), so nothing else needs to run, and stops it at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { DEMO_ADMIN, TEMPORAL_NAMESPACE } from '../../contracts/platform';
import { DEV_PORT_OFFSET } from '../../devstack/infra/options';
import { REPO_ROOT } from '../../services/shared/repo-root';
import type { SaleEnv } from '../flash-sale/scenario';
import { startChaosStack } from './chaos-stack';
import { chaosDetails, chaosTable, passed } from './chaos-table';
import { runScenario, type ScenarioResult } from './run-scenario';
import { SCENARIOS } from './scenarios';

const HELP = `Chaos benchmark: a fault injected during a flash sale on a supervised local stack, then the sale's audit.

Usage: npm run bench:chaos -- [options]
  --scenarios a,b,...     which scenarios (default: all), of:
${SCENARIOS.map((s) => `                            ${s.id.padEnd(20)} ${s.title}`).join('\n')}
  --seats S               seats per sale (default 200)
  --buyers B              buyers per sale (default 1000)
  --concurrency C         buyers at a time (default 50)
  --accounts N            distinct buyer accounts, reused round-robin (default 200)
  --hold-ttl-seconds T    the stack's HOLD_TTL (default 20): each sale waits for its walked-away holds to lapse
  --seed N                buyers' random choices (default 1)
  --port-offset N         the stack's DEV_PORT_OFFSET (default DEV_PORT_OFFSET + 50, so it never meets npm run up's)
  --record                add the table to bench/RESULTS.md
  --help

Buyers retry a 503 with Retry-After and a refused connection (up to 8 times), as an app would;
reservations carry an Idempotency-Key. The table counts every answer, retried or not.`;

const { values: v } = parseArgs({
  options: {
    scenarios: { type: 'string' },
    seats: { type: 'string', default: '200' },
    buyers: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    accounts: { type: 'string', default: '200' },
    'hold-ttl-seconds': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    'port-offset': { type: 'string', default: String(DEV_PORT_OFFSET + 50) },
    record: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const num = (name: string, value: string | undefined, min = 1): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, not ${value}`);
  return n;
};
const log = (l: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${l}`);

async function main(): Promise<number> {
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const ids = v.scenarios ? v.scenarios.split(',').map((s) => s.trim()) : SCENARIOS.map((s) => s.id);
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenarios: ${unknown.join(', ')} (see --help)`);
  const chosen = ids.map((id) => SCENARIOS.find((s) => s.id === id)!);
  const sale = {
    seats: num('seats', v.seats, 10),
    buyers: num('buyers', v.buyers),
    concurrency: num('concurrency', v.concurrency),
    accounts: num('accounts', v.accounts),
    seed: num('seed', v.seed, 0),
  };
  const offset = num('port-offset', v['port-offset'], 0);
  const command = `npm run bench:chaos -- ${process.argv.slice(2).join(' ')}`.trim();
  const dataDir = path.join(REPO_ROOT, '.data', `chaos-${offset}`);

  const stack = await startChaosStack({ offset, dataDir, holdTtlSeconds: num('hold-ttl-seconds', v['hold-ttl-seconds']), workers: 2, log });
  const pool = new Pool({ connectionString: stack.infra.databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  const connection = await Connection.connect({ address: stack.infra.temporalAddress });
  const temporal = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  const env: SaleEnv = { gatewayUrl: stack.gatewayUrl, admin: DEMO_ADMIN, pool, temporal, log };
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of chosen) {
      log(`scenario ${scenario.id}: ${scenario.title}`);
      const started = Date.now();
      try {
        results.push(await runScenario(stack, env, scenario, { ...sale, accountsFile: path.join(dataDir, 'buyer-accounts.json'), accountPrefix: 'chaos-buyer' }, log));
      } catch (err) {
        log(`scenario ${scenario.id} could not finish: ${String(err)}`);
        results.push({ scenario, buyers: sale.buyers, holds: NaN, sold: NaN, otherServerErrors: NaN, unavailable: NaN, unanswered: NaN, recoverSeconds: NaN, audit: [], notes: [`could not finish: ${String(err)}`] });
      }
      log(`scenario ${scenario.id} took ${((Date.now() - started) / 1000).toFixed(0)}s`);
    }
  } finally {
    await connection.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    log('stopping the chaos stack');
    await stack.stop();
  }

  const table = chaosTable(results);
  const details = chaosDetails(results);
  const report = [
    `Chaos: S=${sale.seats} seats, B=${sale.buyers} buyers (${sale.accounts} accounts), C=${sale.concurrency} per scenario, ${new Date().toISOString()}`,
    `Command: ${command}`,
    '',
    table,
    ...(details ? ['', details] : []),
  ].join('\n');
  console.log(report);
  if (v.record) {
    const file = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
    fs.appendFileSync(file, `\n## Chaos (bench/chaos)\n\n${report}\n`);
    log('table added to bench/RESULTS.md');
  }
  return results.every(passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
