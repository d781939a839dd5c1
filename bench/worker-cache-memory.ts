/**
 * What a booking workflow costs a worker's memory while it waits in the
 * workflow cache (WORKER_MAX_CACHED_WORKFLOWS). Run by hand while `npm run up` runs:
 *   node dist/bench/worker-cache-memory.js [--workflows 2000]
 *
 * Starts that many BookingWorkflows (10-minute holds, the real workflow
 * bundle) on a task queue of its own, served by an in-process worker whose
 * hold activity answers at once, and prints the process's resident memory
 * before and after they are all cached, then terminates them (no seats are
 * touched).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DEV_INFRA_OPTIONS, infraUrls } from '../devstack/infra';
import { TEMPORAL_NAMESPACE } from '../contracts/platform';
import { WORKFLOW_BUNDLE } from '../services/worker/bundle';
import type { BookingInput } from '../contracts/booking-workflow';

const MiB = 1024 * 1024;
const rss = () => process.memoryUsage().rss / MiB;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { values } = parseArgs({ options: { workflows: { type: 'string', default: '2000' }, temporal: { type: 'string', default: infraUrls(DEV_INFRA_OPTIONS).temporalAddress } } });
  const n = Number(values.workflows);
  const ids: string[] = [];
  const taskQueue = `bench-cache-${randomUUID()}`;
  const seat = (i: number) => ({ seatId: randomUUID(), section: 'A', row: 'R1', number: i, tier: 'Gold', price: { amount: '120.00', currency: 'EUR' } });
  const workerConnection = await NativeConnection.connect({ address: values.temporal });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    maxCachedWorkflows: n + 100,
    activities: { holdAndRecord: async () => ({ ok: true, seats: [seat(1), seat(2)], total: { amount: '240.00', currency: 'EUR' } }) },
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: values.temporal }), namespace: TEMPORAL_NAMESPACE });
  await sleep(2_000);
  const before = rss();
  for (let started = 0; started < n; started += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - started) }, () => {
        const id = randomUUID();
        ids.push(`bench-cache-${id}`);
        const input: BookingInput = { reservationId: id, userId: randomUUID(), sessionId: randomUUID(), seatIds: [randomUUID(), randomUUID()], holdTtlMs: 600_000, searchAttributes: false };
        return client.workflow.start('BookingWorkflow', { taskQueue, workflowId: `bench-cache-${id}`, args: [input] });
      }),
    );
  }
  const deadline = Date.now() + 120_000;
  while (worker.getStatus().numCachedWorkflows < n && Date.now() < deadline) await sleep(1_000);
  await sleep(3_000);
  const cached = worker.getStatus().numCachedWorkflows;
  const after = rss();
  console.log('| workflows started | cached | RSS before MiB | RSS after MiB | KiB per cached workflow |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${n} | ${cached} | ${before.toFixed(0)} | ${after.toFixed(0)} | ${(((after - before) * 1024) / cached).toFixed(0)} |`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map((id) => client.workflow.getHandle(id).terminate('worker-cache-memory benchmark done')));
  }
  worker.shutdown();
  await running;
  await client.connection.close();
  await workerConnection.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
