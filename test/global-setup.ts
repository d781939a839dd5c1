import fs from 'node:fs';
import path from 'node:path';
import { flushRedis, resetDatabase, startInfra, TEST_INFRA_OPTIONS, TOOLS } from '../devstack/infra';
import { INFRA_JSON, type TestInfra } from './infra-env';
import { acquireTestInfraLock } from './infra-lock';

/**
 * Starts (or reuses, with KEEP_INFRA=1 from an earlier run) PostgreSQL, Redis
 * and the Temporal dev server on the test ports, then wipes their state so
 * every run starts clean: every database of the `ticketing` role is dropped
 * and an empty `ticketing` database created; Redis is flushed. The Temporal
 * dev server runs in memory, so a freshly started one is empty; a reused one
 * keeps earlier runs' workflows (use unique workflow ids). Concurrent jest
 * runs on one machine wait for each other (test/infra-lock.ts).
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const o = { ...TEST_INFRA_OPTIONS, log: (l: string) => console.log(`[test-infra] ${l}`) };
  process.stdout.write('\n');
  await acquireTestInfraLock(o.log);
  const infra = await startInfra(o);
  await Promise.all([resetDatabase(o), flushRedis(o)]);
  const out: TestInfra = {
    ...infra,
    temporalPath: TOOLS.temporal,
    testServerPath: TOOLS.testServer,
    dataDir: o.dataDir,
  };
  fs.mkdirSync(path.dirname(INFRA_JSON), { recursive: true });
  fs.writeFileSync(INFRA_JSON, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`[test-infra] ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
