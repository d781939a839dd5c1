/**
 * The flash-sale benchmark (issue 7): one command against the local stack.
 *
 *   HOLD_TTL_SECONDS=30 npm run up          # in another terminal: the stack, with 30 s holds
 *   npm run bench:flash-sale -- --help
 *   npm run bench:flash-sale -- --seats 5000 --buyers 20000 --concurrency 500
 *   npm run bench:flash-sale -- --waiting-room --concurrency 2000
 *
 * Order: a new session → the baselines (same machine, same concurrency) →
 * buyers signed in → the sale on the clock → wait for the holds to lapse →
 * audit → the availability and fast-reject paths on their own → tables, ratios,
 * an SVG chart in bench/results/ and a row in bench/RESULTS.md.
 */
import fs from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { apiClient, signIn } from '../../devstack/api-client';
import { devPort } from '../../devstack/dev-env';
import { DEMO_ADMIN, TEMPORAL_NAMESPACE } from '../../contracts/platform';
import { DEV_INFRA_OPTIONS, infraUrls } from '../../devstack/infra';
import { REPO_ROOT } from '../../services/shared/repo-root';
import { expressBaseline, pgBaseline, PG_ROWS, temporalBaseline } from '../baselines';
import { saleChart } from './chart';
import { BENCH_ORGANIZER } from './sale-setup';
import { availabilityOnTheWire, measureAvailabilityReads, measureFastRejects } from './path-probes';
import { cpuSnapshot, cpuSpent, stackProcesses } from './process-cpu';
import { appendResultsRow, cpuTable, endpointTable, fmt, measuredTable, opsPerSecond, p99, ratioTable, type Measured, type Ratio } from './report';
import { auditSale, prepareSale, runSale, signInBuyers, waitForEmailsSent, waitForHoldsToLapse, type SaleEnv, type SaleOptions } from './scenario';

const HELP = `Flash-sale benchmark against the local stack (issue 7).

Start the stack with short holds first (the bench waits for walked-away holds to lapse):
  HOLD_TTL_SECONDS=30 npm run up

Usage: npm run bench:flash-sale -- [options]
  --seats S                 seats of the session, three tiers (default 5000)
  --buyers B                buyers (default 20000)
  --concurrency C           buyers at a time, and the baselines' concurrency (default 500; 2000 with --waiting-room)
  --accounts N              distinct buyer accounts, reused round-robin (default B); accounts are
                            flash-buyer-<i>@bench.test, kept across runs with their tokens in
                            .data/dev/bench/flash-sale-accounts.json
  --waiting-room            open the session's waiting room: buyers queue, then reserve once admitted
  --admissions-per-minute N the room's rate (default: 6% of the best bare Update-with-Start rate per second, per
                            minute: an admitted buyer holds, retries, pays, so costs Temporal several
                            no-op workflows; 150/min on this 2-core box, see bench/RESULTS.md)
  --patience-seconds N      how long a queued buyer waits for admission (default 120): in the
                            room opened by --waiting-room, or by the booking API on overflow. Buyers
                            of a stadium on-sale wait minutes; with 30 s, more buyers joined per
                            minute than booking serves, and a first-come queue reached each one
                            only as they gave up (bench/RESULTS.md)
  --max-sale-seconds N      no new buyer arrives after N seconds of sale (caps a run; the report says how many came)
  --seed N                  buyers' random choices (default 1)
  --timeout-ms N            a request without an answer after this long is a timeout (default 60000)
  --baseline-seconds N      measured seconds of each baseline (default 10)
  --probe-seconds N         measured seconds of the availability and fast-reject paths (default 10)
  --skip-baselines          no baselines (and no ratios)
  --max-hold-ttl-seconds N  refuse to run when the stack's holds last longer (default 120)
  --no-results-row          do not add a row to bench/RESULTS.md
  --gateway URL             default http://127.0.0.1:8080 (moved by DEV_PORT_OFFSET)
  --database-url URL        the dev PostgreSQL (the audit reads it)
  --temporal HOST:PORT      the dev Temporal server
  --help`;

const dev = infraUrls(DEV_INFRA_OPTIONS);
const { values: v } = parseArgs({
  options: {
    seats: { type: 'string', default: '5000' },
    buyers: { type: 'string', default: '20000' },
    concurrency: { type: 'string' },
    accounts: { type: 'string' },
    'waiting-room': { type: 'boolean', default: false },
    'admissions-per-minute': { type: 'string' },
    'patience-seconds': { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    'max-sale-seconds': { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
    'baseline-seconds': { type: 'string', default: '10' },
    'probe-seconds': { type: 'string', default: '10' },
    'skip-baselines': { type: 'boolean', default: false },
    'max-hold-ttl-seconds': { type: 'string', default: '120' },
    'no-results-row': { type: 'boolean', default: false },
    gateway: { type: 'string', default: `http://127.0.0.1:${devPort('gateway')}` },
    'database-url': { type: 'string', default: dev.databaseUrl },
    temporal: { type: 'string', default: dev.temporalAddress },
    help: { type: 'boolean', default: false },
  },
});

const num = (name: string, value: string | undefined, min = 1): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, not ${value}`);
  return n;
};

const log = (l: string) => console.error(`[flash-sale ${new Date().toISOString().slice(11, 19)}] ${l}`);

async function main(): Promise<number> {
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const waitingRoom = v['waiting-room']!;
  const o: SaleOptions = {
    seats: num('seats', v.seats, 10),
    buyers: num('buyers', v.buyers),
    concurrency: num('concurrency', v.concurrency ?? (waitingRoom ? '2000' : '500')),
    seed: num('seed', v.seed, 0),
    timeoutMs: num('timeout-ms', v['timeout-ms']),
    patienceSeconds: num('patience-seconds', v['patience-seconds']),
    maxSeconds: v['max-sale-seconds'] === undefined ? undefined : num('max-sale-seconds', v['max-sale-seconds']),
  };
  const accounts = num('accounts', v.accounts ?? String(o.buyers));
  const baselineSeconds = num('baseline-seconds', v['baseline-seconds']);
  const probeSeconds = num('probe-seconds', v['probe-seconds']);
  const command = `npm run bench:flash-sale -- ${process.argv.slice(2).join(' ')}`.trim();

  const ready = await fetch(`${v.gateway}/readyz`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
  if (!ready?.ok) throw new Error(`the gateway at ${v.gateway} is not ready: start the stack with HOLD_TTL_SECONDS=30 npm run up`);

  const pool = new Pool({ connectionString: v['database-url'], max: 4 });
  const connection = await Connection.connect({ address: v.temporal! });
  const temporal = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  const env: SaleEnv = { gatewayUrl: v.gateway!, admin: DEMO_ADMIN, pool, temporal, log };
  try {
    log(`new session of ${o.seats} seats`);
    const sale = await prepareSale(env, o);
    const ttl = sale.holdTtlMs / 1000;
    log(`session ${sale.sessionId}; holds last ${ttl}s`);
    if (ttl > num('max-hold-ttl-seconds', v['max-hold-ttl-seconds'])) {
      throw new Error(`the stack's holds last ${ttl}s: the bench waits for them to lapse. Restart it with short holds: npm run down; HOLD_TTL_SECONDS=30 npm run up`);
    }

    // Baselines first, on a quiet system, at the sale's concurrency.
    const baselines: Measured[] = [];
    let uws: Measured | undefined;
    let uwsBest: Measured | undefined;
    let bookingShape: Measured | undefined;
    let expressJson: Measured | undefined;
    let expressAvailability: Measured | undefined;
    /** CPU ms per booking-shaped workflow: the Temporal server's, and this process's (its in-process worker and client). */
    let bookingShapeCpu: { server: number; workerAndClient: number } | undefined;
    const stack = stackProcesses(DEV_INFRA_OPTIONS.dataDir);
    let pg: Measured | undefined;
    if (!v['skip-baselines']) {
      const b = { concurrency: o.concurrency, seconds: baselineSeconds };
      log(`baseline: Express constant JSON, C=${b.concurrency}`);
      expressJson = { name: 'bare Express 5 GET, constant JSON', concurrency: b.concurrency, result: await expressBaseline(b) };
      log(`baseline: Express serving the availability's ${sale.availabilityBytes.length} bytes`);
      expressAvailability = {
        name: `bare Express 5 GET, the availability's ${sale.availabilityBytes.length} bytes`,
        concurrency: b.concurrency,
        result: await expressBaseline({ ...b, body: sale.availabilityBytes }),
      };
      log('baseline: PostgreSQL conditional UPDATE');
      pg = { name: `bare PostgreSQL conditional UPDATE (${PG_ROWS} rows, pool ${Math.min(b.concurrency, 20)})`, concurrency: b.concurrency, result: (await pgBaseline({ ...b, databaseUrl: v['database-url']! })).result };
      baselines.push(expressJson, expressAvailability, pg);
      // With the waiting room, Temporal's ceiling is taken at its best concurrency (the room's job is to keep it there).
      const temporalConcurrencies = waitingRoom ? [10, 50, 200] : [o.concurrency];
      for (const c of temporalConcurrencies) {
        log(`baseline: Update-with-Start of a no-op workflow, C=${c}`);
        const m = { name: 'bare Temporal Update-with-Start, no-op workflow', concurrency: c, result: await temporalBaseline({ concurrency: c, seconds: baselineSeconds, temporalAddress: v.temporal! }) };
        baselines.push(m);
        if (c === o.concurrency) uws = m;
        if (!uwsBest || opsPerSecond(m.result) > opsPerSecond(uwsBest.result)) uwsBest = m;
      }
      if (!waitingRoom) {
        log(`baseline: a booking-shaped workflow (Update-with-Start, then a second update), C=${o.concurrency}`);
        const [server0, self0] = [cpuSnapshot(stack), process.cpuUsage()];
        bookingShape = {
          name: 'bare Temporal booking-shaped workflow (Update-with-Start + a second update, no activities)',
          concurrency: o.concurrency,
          result: await temporalBaseline({ concurrency: o.concurrency, seconds: baselineSeconds, temporalAddress: v.temporal!, shape: 'booking' }),
        };
        const [server, self] = [cpuSpent(server0, cpuSnapshot(stack)), process.cpuUsage(self0)];
        // Its warm-up round ran too: C workflows more than the measured ones.
        const workflows = bookingShape.result.ops + o.concurrency;
        bookingShapeCpu = { server: (server.get('temporal server') ?? NaN) / workflows, workerAndClient: (self.user + self.system) / 1000 / workflows };
        baselines.push(bookingShape);
      }
    }
    if (waitingRoom) {
      const rate = v['admissions-per-minute']
        ? num('admissions-per-minute', v['admissions-per-minute'])
        : Math.max(60, Math.floor(0.06 * (uwsBest ? opsPerSecond(uwsBest.result) : 30) * 60));
      o.waitingRoom = { admissionsPerMinute: Math.min(100_000, Math.round(rate)) };
      log(`waiting room: ${o.waitingRoom.admissionsPerMinute} admissions/min, patience ${o.patienceSeconds}s`);
    }

    log(`signing in ${Math.min(accounts, o.buyers)} buyer accounts`);
    const buyers = await signInBuyers(env, o, {
      accounts,
      cacheFile: path.join(DEV_INFRA_OPTIONS.dataDir, 'bench', 'flash-sale-accounts.json'),
    });

    log(`the sale opens: ${o.buyers} buyers, ${o.concurrency} at a time`);
    const cpu0 = process.cpuUsage();
    const stackCpu0 = cpuSnapshot(stack);
    const run = await runSale(env, sale, buyers, o);
    const cpu = process.cpuUsage(cpu0);
    const saleSeconds = run.recorder.seconds;
    log(`the sale is over after ${saleSeconds.toFixed(1)}s`);
    /** Each process's CPU for the whole sale: up to the last hold's end and the last email, before the audit reads anything. */
    let stackCpu: Map<string, number> | undefined;
    // A stack that fell over during the sale still gets its sale reported, with the audit marked as not run.
    let audit: Awaited<ReturnType<typeof auditSale>>;
    let stackDown = false;
    try {
      const waited = await waitForHoldsToLapse(env, sale, 3_000);
      log(`holds lapsed (${waited.toFixed(0)}s); emails sent (${(await waitForEmailsSent(env)).toFixed(0)}s); auditing`);
      stackCpu = cpuSpent(stackCpu0, cpuSnapshot(stack));
      stackCpu.set('load generator', (cpu.user + cpu.system) / 1000);
      audit = await auditSale({ pool, temporal, http: sale.http, sessionId: sale.sessionId, ledger: sale.ledger });
    } catch (err) {
      stackDown = true;
      log(`the audit could not run: ${String(err)}`);
      audit = {
        lines: [{ name: 'audit', ok: false, detail: `could not run (is the stack still up?): ${err instanceof Error ? err.message : String(err)}` }],
        totals: { seatsSold: NaN, ticketsIssued: NaN, holdsExpired: NaN, reservations: {}, succeededCharges: NaN, rejectedWorkflows: NaN },
      };
    }

    // A room the booking API opened on overflow: reported, then closed (the sale is over) so the probes reach booking.
    const api = apiClient(v.gateway!);
    const roomPath = `/api/v1/sessions/${sale.sessionId}/waiting-room`;
    const room = stackDown ? undefined : await api.expect<{ openedOnOverflow: boolean; admissionsPerMinute: number | null }>(200, 'GET', roomPath);
    if (room?.openedOnOverflow) {
      log(`the booking API opened the waiting room on overflow (now ${room.admissionsPerMinute}/min); closing it`);
      // Signed in again: a long sale outlives the organizer's access token.
      const organizer = await signIn(api, BENCH_ORGANIZER.email, BENCH_ORGANIZER.password);
      await api.expect(200, 'PUT', roomPath, { token: organizer.token, body: { enabled: false, admissionsPerMinute: room.admissionsPerMinute ?? 60 } });
    }

    // The read and reject paths alone, after the audit (they change no state).
    const probes: Measured[] = [];
    let availabilityReads: Measured | undefined;
    let wire: Awaited<ReturnType<typeof availabilityOnTheWire>> | undefined;
    let rejects: Measured | undefined;
    if (!waitingRoom && !stackDown) {
      log(`availability reads alone, C=${o.concurrency}`);
      wire = await availabilityOnTheWire(sale.http, sale.sessionId);
      availabilityReads = {
        name: 'GET availability through the gateway (after the sale)',
        concurrency: o.concurrency,
        result: await measureAvailabilityReads(sale.http, sale.sessionId, { concurrency: o.concurrency, seconds: probeSeconds }),
      };
      probes.push(availabilityReads);
      const { rows } = await pool.query<{ seat_id: string }>(`SELECT seat_id FROM catalog.session_seats WHERE session_id = $1 AND status = 'sold'`, [sale.sessionId]);
      if (rows.length) {
        log(`409 fast rejects of sold seats alone, C=${o.concurrency}`);
        rejects = {
          name: 'POST /reservations of a sold seat → 409 (after the sale)',
          concurrency: o.concurrency,
          // As in a sale, each refused buyer has been signed in to it (their token verified on their
          // first request): C buyers each retry, rather than every 409 coming from a token never seen.
          result: await measureFastRejects(sale.http, sale.sessionId, rows.map((r) => r.seat_id), buyers.slice(0, o.concurrency), { concurrency: o.concurrency, seconds: probeSeconds }),
        };
        probes.push(rejects);
      }
    }
    sale.http.close();

    // ---- report
    const rec = run.recorder;
    const reserve = rec.summary('POST /reservations');
    const holds = rec.count('POST /reservations', 201);
    // Holds are counted while seats could be had: up to the last 201. After it the sale is sold
    // out and every answer is a 409, which says nothing of how fast seats are held.
    const holdWindow = rec.lastCompletion('POST /reservations', 201) || saleSeconds;
    const holdsPerSecond = holds / holdWindow;
    const failures = rec.failures();
    const auditOk = audit.lines.every((l) => l.ok);
    const stamp = new Date().toISOString();
    const mode = waitingRoom ? `waiting room (${o.waitingRoom!.admissionsPerMinute}/min)` : 'open sale';

    const ratios: Ratio[] = [];
    const ratio = (name: string, value: number, target: string, met: ((x: number) => boolean) | undefined, how: string) =>
      ratios.push({ name, value, target, met: met && Number.isFinite(value) ? met(value) : undefined, how });
    if (!waitingRoom && uws) {
      ratio('successful holds/s ÷ bare Update-with-Start workflows/s', holdsPerSecond / opsPerSecond(uws.result), '≥ 0.8', (x) => x >= 0.8, `${fmt(holdsPerSecond)} ÷ ${fmt(opsPerSecond(uws.result))} at C=${uws.concurrency}`);
      ratio('p99 POST /reservations ÷ bare Update-with-Start p99', reserve.p99 / p99(uws.result), '≤ 1.5', (x) => x <= 1.5, `${fmt(reserve.p99)} ms ÷ ${fmt(p99(uws.result))} ms`);
    }
    if (waitingRoom && uwsBest) {
      ratio('p99 POST /reservations ÷ bare Update-with-Start p99 at its best C', reserve.p99 / p99(uwsBest.result), '≤ 2', (x) => x <= 2, `${fmt(reserve.p99)} ms ÷ ${fmt(p99(uwsBest.result))} ms (best C=${uwsBest.concurrency})`);
    }
    if (availabilityReads && expressAvailability) {
      ratio('GET availability req/s ÷ bare Express serving the same bytes', opsPerSecond(availabilityReads.result) / opsPerSecond(expressAvailability.result), '≥ 0.8', (x) => x >= 0.8, `${fmt(opsPerSecond(availabilityReads.result))} ÷ ${fmt(opsPerSecond(expressAvailability.result))}`);
    }
    if (wire) {
      ratio(`availability bytes for ${o.seats} seats (body), and 304 when unchanged: ${wire.notModified ? 'yes' : 'NO'}`, wire.bytes, '≤ 8192 and 304', (x) => x <= 8192 && wire!.notModified, `${wire.bytes} bytes`);
    }
    if (rejects && expressJson) {
      ratio('409 fast-reject req/s ÷ bare Express constant JSON', opsPerSecond(rejects.result) / opsPerSecond(expressJson.result), '≥ 0.5', (x) => x >= 0.5, `${fmt(opsPerSecond(rejects.result))} ÷ ${fmt(opsPerSecond(expressJson.result))}`);
    }
    if (bookingShape) {
      ratio('successful holds/s ÷ booking-shaped workflows/s (a paid booking\'s Temporal work alone)', holdsPerSecond / opsPerSecond(bookingShape.result), '(goal 0.8)', undefined, `${fmt(holdsPerSecond)} ÷ ${fmt(opsPerSecond(bookingShape.result))}`);
      ratio('p99 POST /reservations ÷ booking-shaped workflow p99', reserve.p99 / p99(bookingShape.result), '≤ 1.5', (x) => x <= 1.5, `${fmt(reserve.p99)} ms ÷ ${fmt(p99(bookingShape.result))} ms`);
    }

    const sold = audit.totals.reservations.confirmed ?? 0;
    const soldPerSecond = sold / holdWindow;
    const cpu2 = stackCpu && sold ? cpuTable(stackCpu, sold, bookingShapeCpu) : undefined;
    if (cpu2) {
      ratio('CPU outside Temporal (server and worker) ÷ the system\'s CPU per sold booking', cpu2.outsideTemporal, '≤ 0.35', (x) => x <= 0.35, `${fmt(cpu2.total / sold, 1)} ms per sold booking in all`);
    }

    const results = Object.fromEntries(run.results);
    const answered = (results.held ?? 0) + (results.rejected ?? 0) + (results['no-seats-on-map'] ?? 0) + (results.queued ?? 0) + (results['sold-out'] ?? 0);
    const out: string[] = [];
    out.push(`# Flash sale — ${mode}: S=${o.seats} seats, B=${o.buyers} buyers (${buyers.length} accounts), C=${o.concurrency}, HOLD_TTL ${ttl}s, ${cpus().length} cores, ${stamp}`);
    out.push(`Command: ${command}`);
    out.push('');
    out.push(`## Per endpoint, during the sale (${saleSeconds.toFixed(1)} s on the clock)`);
    out.push(endpointTable(rec.summaries()));
    out.push('');
    out.push(`POST /reservations that answered 201 only: p50 ${fmt(rec.summary('POST /reservations', (s) => s === 201).p50)} ms, p99 ${fmt(rec.summary('POST /reservations', (s) => s === 201).p99)} ms; that answered 409 only: p50 ${fmt(rec.summary('POST /reservations', (s) => s === 409).p50)} ms, p99 ${fmt(rec.summary('POST /reservations', (s) => s === 409).p99)} ms.`);
    out.push('');
    out.push('## Overall');
    out.push(`- successful holds: ${holds} in ${holdWindow.toFixed(1)} s = ${fmt(holdsPerSecond)} holds/s; bookings sold (confirmed): ${sold} = ${fmt(soldPerSecond)}/s`);
    out.push(`- seats sold: ${audit.totals.seatsSold} of ${o.seats}; tickets issued: ${audit.totals.ticketsIssued}; holds expired: ${audit.totals.holdsExpired}; reservations by status: ${JSON.stringify(audit.totals.reservations)}; workflows that found their seats taken: ${audit.totals.rejectedWorkflows}`);
    out.push(`- buyers: ${JSON.stringify(results)}; answered ${answered} of the ${[...run.results.values()].reduce((x, y) => x + y, 0)} who came (of ${o.buyers})${run.crashes.length ? `; ${run.crashes.length} benchmark crashes, first: ${String(run.crashes[0])}` : ''}`);
    out.push(`- 5xx: ${failures.serverErrors}; timeouts (> ${o.timeoutMs} ms): ${failures.timeouts}; broken connections: ${failures.connectionErrors} ${failures.serverErrors + failures.timeouts + failures.connectionErrors === 0 ? '(pass)' : '(FAIL: must be 0)'}`);
    for (const [endpoint, body] of rec.firstServerErrors) out.push(`- first 5xx or broken connection of ${endpoint}: ${body}`);
    if (!waitingRoom) out.push(`- waiting room opened on overflow: ${room?.openedOnOverflow ? `yes (its rate at the end: ${room.admissionsPerMinute}/min)` : 'no'}`);
    out.push(`- load generator CPU during the sale: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of ${saleSeconds.toFixed(1)} s`);
    out.push('');
    if (cpu2) {
      out.push('## CPU per sold booking (from /proc, from the sale\'s start to the last hold\'s end and the last email)');
      out.push(cpu2.table);
      out.push('');
    }
    out.push('## Audit');
    for (const l of audit.lines) out.push(`- ${l.ok ? 'PASS' : 'FAIL'} ${l.name}: ${l.detail}`);
    if (baselines.length || probes.length) {
      out.push('');
      out.push('## Baselines (before the sale) and paths alone (after it)');
      out.push(measuredTable([...baselines, ...probes]));
      out.push('');
      out.push('## Ratios');
      out.push(ratioTable(ratios));
    }

    const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    const base = `flash-sale-${stamp.replace(/[:.]/g, '-')}${waitingRoom ? '-waiting-room' : ''}`;
    const chartFile = path.join(resultsDir, `${base}.svg`);
    fs.writeFileSync(chartFile, saleChart(`Flash sale, ${mode}: S=${o.seats} B=${o.buyers} C=${o.concurrency} (${stamp.slice(0, 16)}Z, ${cpus().length} cores)`, rec.buckets()));
    out.push('');
    out.push(`Chart: ${path.relative(REPO_ROOT, chartFile)}`);
    const report = out.join('\n');
    fs.writeFileSync(path.join(resultsDir, `${base}.md`), `${report}\n`);
    console.log(report);

    if (!v['no-results-row']) {
      const r = (name: string) => ratios.find((x) => x.name.startsWith(name));
      const cell = (x: Ratio | undefined) => (x ? fmt(x.value, 2) : '–');
      const row = [
        stamp.slice(0, 10),
        `\`${command}\``,
        mode,
        o.seats,
        o.buyers,
        o.concurrency,
        fmt(holdsPerSecond),
        fmt(soldPerSecond),
        `${fmt(reserve.p50)} / ${fmt(reserve.p99)}`,
        cell(r('successful holds/s ÷ bare Update')),
        cell(r('successful holds/s ÷ booking-shaped')),
        cell(r('p99 POST /reservations ÷ booking-shaped')),
        cell(r('GET availability')),
        wire ? wire.bytes : '–',
        cell(r('409')),
        cpu2 ? fmt(cpu2.total / sold, 1) : '–',
        cpu2 ? `${(100 * cpu2.outsideTemporal).toFixed(0)}%` : '–',
        failures.serverErrors,
        failures.timeouts,
        auditOk ? 'pass' : stackDown ? 'not run: stack down' : `${audit.lines.filter((l) => !l.ok).length} FAIL`,
        cpus().length,
      ];
      const rowText = `| ${row.join(' | ')} |`;
      appendResultsRow(path.join(REPO_ROOT, 'bench', 'RESULTS.md'), rowText);
      log('row added to bench/RESULTS.md');
    }
    return auditOk && failures.serverErrors + failures.timeouts + failures.connectionErrors === 0 ? 0 : 1;
  } finally {
    await connection.close();
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
