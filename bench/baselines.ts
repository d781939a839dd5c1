/**
 * Baselines for the reservation path: what the bare building blocks do on this
 * machine, without any of our code in between. Run by hand while `npm run up` runs:
 *   node dist/bench/baselines.js [--concurrency 50] [--seconds 10] [--only express|pg|temporal|temporal-booking]
 *
 * - express:  GET of a constant JSON body from an in-process Express 5 app,
 *             driven over keep-alive HTTP from the same process.
 * - pg:       conditional UPDATE of a random row of a 10,000-row scratch table
 *             (bench_seats, created and dropped here) in the ticketing database.
 * - temporal: Update-with-Start of a no-op workflow (bench/noop-workflow.ts) on
 *             the dev Temporal server, served by an in-process worker on its own task queue.
 * - temporal-booking: the same for a workflow shaped like a paid booking
 *             (bookingShape: Update-with-Start, then a second update; one op
 *             is both): the most a booking can reach on this server, were
 *             its activities free.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import express from 'express';
import { Pool } from 'pg';
import { DEV_INFRA_OPTIONS, infraUrls } from '../devstack/infra';
import { keepAliveAgent, LISTEN_BACKLOG } from '../services/shared/http';
import { TEMPORAL_NAMESPACE } from '../contracts/platform';
import { runLoad, tableRow, TABLE_HEADER, type LoadOptions, type LoadResult } from './load';
import { bookingShape, confirmShapeUpdate, noop, noopUpdate } from './noop-workflow';

const BASELINES = ['express', 'pg', 'temporal', 'temporal-booking'] as const;
type Baseline = (typeof BASELINES)[number];

/** Every baseline runs at `concurrency` for `seconds` (bench/flash-sale imports them). */
export interface BaselineOptions {
  concurrency: number;
  seconds: number;
}

/** One unmeasured round of `concurrency` operations (connections, JIT), then the measured run. */
export async function measure(op: (seq: number) => Promise<unknown>, { concurrency, seconds }: BaselineOptions): Promise<LoadResult> {
  const warmUp = await runLoad((seq) => op(-1 - seq), { concurrency, count: concurrency });
  if (warmUp.errors === warmUp.ops) throw warmUp.firstError;
  const opts: LoadOptions = { concurrency, seconds };
  return runLoad(op, opts);
}

/** GET of a constant JSON body; with `body`, of exactly those bytes (e.g. a seat map's). */
export async function expressBaseline(o: BaselineOptions & { body?: Buffer }): Promise<LoadResult> {
  const { concurrency } = o;
  const app = express();
  app.get('/', (_req, res) => {
    if (o.body) res.type('application/json').send(o.body);
    else res.json({ ok: true, service: 'bench' });
  });
  const server = await new Promise<http.Server>((resolve) => {
    // The services' accept backlog, so the baseline and the services queue connections alike.
    const s = http.createServer(app).listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const agent = keepAliveAgent({ maxSockets: concurrency }); // the flash-sale buyers' client pool
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  try {
    return await measure(get, o);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export const PG_ROWS = 10_000;

export async function pgBaseline(o: BaselineOptions & { databaseUrl: string }): Promise<{ result: LoadResult; updated: number }> {
  const pool = new Pool({ connectionString: o.databaseUrl, max: Math.min(o.concurrency, 20) });
  let updated = 0;
  try {
    await pool.query('DROP TABLE IF EXISTS bench_seats');
    await pool.query('CREATE TABLE bench_seats (id int PRIMARY KEY, status text NOT NULL, held_until timestamptz)');
    await pool.query(`INSERT INTO bench_seats (id, status) SELECT g, 'available' FROM generate_series(1, $1::int) g`, [PG_ROWS]);
    await pool.query('ANALYZE bench_seats');
    const hold = async () => {
      const r = await pool.query(
        `UPDATE bench_seats SET status = 'held', held_until = now() + interval '30 seconds'
          WHERE id = $1 AND (status = 'available' OR held_until < now())`,
        [1 + Math.floor(Math.random() * PG_ROWS)],
      );
      updated += r.rowCount ?? 0;
    };
    const result = await measure(hold, o);
    return { result, updated };
  } finally {
    await pool.query('DROP TABLE IF EXISTS bench_seats').catch((err: unknown) => console.error('drop bench_seats:', err));
    await pool.end();
  }
}

export async function temporalBaseline(o: BaselineOptions & { temporalAddress: string; shape?: 'noop' | 'booking' }): Promise<LoadResult> {
  const taskQueue = `bench-noop-${process.pid}`;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./noop-workflow') });
  const workerConnection = await NativeConnection.connect({ address: o.temporalAddress });
  const connection = await Connection.connect({ address: o.temporalAddress });
  try {
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: { code },
    });
    const client = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
    const run = `${Date.now().toString(36)}-${process.pid}`;
    const booking = o.shape === 'booking';
    const op = async (seq: number) => {
      const workflowId = `bench-${booking ? 'booking-shape' : 'noop'}-${run}-${seq}`;
      await client.workflow.executeUpdateWithStart(noopUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(booking ? bookingShape : noop, { workflowId, taskQueue, workflowIdConflictPolicy: 'FAIL', args: [] }),
      });
      if (booking) await client.workflow.getHandle(workflowId).executeUpdate(confirmShapeUpdate);
    };
    return await worker.runUntil(measure(op, o));
  } finally {
    await connection.close();
    await workerConnection.close();
  }
}

function cliOptions() {
  const dev = infraUrls(DEV_INFRA_OPTIONS);
  const { values } = parseArgs({
    options: {
      concurrency: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '10' },
      only: { type: 'string' },
      'database-url': { type: 'string', default: dev.databaseUrl },
      temporal: { type: 'string', default: dev.temporalAddress },
    },
  });
  const concurrency = Number(values.concurrency);
  const seconds = Number(values.seconds);
  if (!(concurrency >= 1) || !(seconds > 0)) throw new Error('--concurrency and --seconds must be positive numbers');
  if (values.only !== undefined && !BASELINES.includes(values.only as Baseline)) {
    throw new Error(`--only must be one of ${BASELINES.join(', ')}`);
  }
  const selected = values.only ? [values.only as Baseline] : [...BASELINES];
  return { concurrency, seconds, selected, databaseUrl: values['database-url']!, temporalAddress: values.temporal! };
}

async function main() {
  const o = cliOptions();
  const { concurrency, seconds, selected } = o;
  const rows: string[] = [];
  const notes: string[] = [];
  for (const b of selected) {
    console.error(`[bench] ${b}: C=${concurrency}, ${seconds}s ...`);
    let result: LoadResult;
    if (b === 'express') {
      result = await expressBaseline(o);
      rows.push(tableRow('Express 5 GET constant JSON', concurrency, result));
      notes.push('express: load generator and server share one Node process (one event loop, one CPU core).');
    } else if (b === 'pg') {
      const pg = await pgBaseline(o);
      result = pg.result;
      rows.push(tableRow(`PostgreSQL conditional UPDATE, ${PG_ROWS} rows, pool ${Math.min(concurrency, 20)}`, concurrency, result));
      notes.push(`pg: ${pg.updated} of ${result.ops + concurrency} UPDATEs (warm-up included) changed a row; the rest found the seat already held.`);
    } else if (b === 'temporal') {
      result = await temporalBaseline(o);
      rows.push(tableRow('Temporal Update-with-Start, no-op workflow', concurrency, result));
      notes.push('temporal: ops/s = workflows/s; the worker runs in the load generator\'s process.');
    } else {
      result = await temporalBaseline({ ...o, shape: 'booking' });
      rows.push(tableRow('Temporal booking-shaped workflow: Update-with-Start + a second update', concurrency, result));
      notes.push('temporal-booking: ops/s = bookings/s (two calls each), no activities: a paid booking\'s Temporal work alone.');
    }
    if (result.firstError !== undefined) notes.push(`${b}: first error: ${String(result.firstError)}`);
  }
  console.log(`Baselines — concurrency ${concurrency}, ${seconds} s each, ${cpus().length} cores, ${new Date().toISOString()}`);
  console.log('');
  console.log(TABLE_HEADER);
  for (const r of rows) console.log(r);
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
