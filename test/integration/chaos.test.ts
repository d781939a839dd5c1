import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { DEMO_ADMIN, TEMPORAL_NAMESPACE } from '../../contracts/platform';
import { startChaosStack, type ChaosStack } from '../../bench/chaos/chaos-stack';
import { untilHealthy, untilRestarted } from '../../bench/chaos/faults';
import { runScenario } from '../../bench/chaos/run-scenario';
import { SCENARIOS } from '../../bench/chaos/scenarios';
import type { SaleEnv } from '../../bench/flash-sale/scenario';
import { readSupervisorStatus } from '../../devstack/supervisor';
import { testInfra } from '../infra-env';

/**
 * The local platform heals like a cluster would: a whole `npm run up` stack
 * of its own (its own ports and data folder, two workers), its processes
 * killed and its servers stopped while it runs; and a small version of the
 * chaos benchmark's scenarios 1, 3 and 4 (bench/chaos), whose audit lines
 * must all pass. Speed is never asserted.
 */
describe('a supervised local stack under faults', () => {
  let stack: ChaosStack;
  let env: SaleEnv;
  let pool: Pool;
  let connection: Connection;
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);

  beforeAll(async () => {
    stack = await startChaosStack({
      // Beside the test servers and any developer's stack (offsets step by 100).
      offset: Number(process.env.TEST_PORT_OFFSET ?? 0) + 70,
      dataDir: path.join(testInfra().dataDir, 'chaos-stack'),
      holdTtlSeconds: 10,
      workers: 2,
      log,
    });
    pool = new Pool({ connectionString: stack.infra.databaseUrl, max: 4 });
    pool.on('error', () => undefined);
    connection = await Connection.connect({ address: stack.infra.temporalAddress });
    env = { gatewayUrl: stack.gatewayUrl, admin: DEMO_ADMIN, pool, temporal: new Client({ connection, namespace: TEMPORAL_NAMESPACE }) };
  }, 300_000);
  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await stack?.stop();
  }, 120_000);

  const pids = () => Object.fromEntries(Object.entries(readSupervisorStatus(stack.runDir)!.units).map(([name, u]) => [name, u.pid]));
  const othersThan = (p: Record<string, number | null>, unit: string) => Object.fromEntries(Object.entries(p).filter(([name]) => name !== unit));

  it.each(['worker', 'redis'])('restarts a SIGKILLed %s while every other process keeps running', async (unit) => {
    const before = pids();
    const restarts = readSupervisorStatus(stack.runDir)!.units[unit]!.restarts;
    process.kill(before[unit]!, 'SIGKILL');
    await untilRestarted(stack, unit, restarts, 120_000);
    const after = pids();
    expect(after[unit]).not.toBe(before[unit]);
    expect(othersThan(after, unit)).toEqual(othersThan(before, unit));
    await untilHealthy(stack, 120_000);
  }, 180_000);

  const small = { seats: 30, buyers: 60, concurrency: 8, accounts: 15, seed: 3, accountPrefix: 'chaos-test-buyer' };
  it.each(['worker-kill', 'postgres-10s', 'redis-kill'])('%s in the middle of a small flash sale: every audit line passes, no 5xx but 503 with Retry-After', async (id) => {
    const scenario = SCENARIOS.find((s) => s.id === id)!;
    const r = await runScenario(stack, env, scenario, { ...small, accountsFile: path.join(stack.infraOptions.dataDir, 'buyer-accounts.json') }, log);
    expect(r.notes.filter((n) => n.startsWith('could not'))).toEqual([]);
    expect(r.audit.filter((l) => !l.ok)).toEqual([]);
    expect(r.audit).toHaveLength(8);
    expect(r.otherServerErrors).toBe(0);
    expect(r.holds).toBeGreaterThan(0);
  }, 300_000);
});
