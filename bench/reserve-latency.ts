/**
 * POST /api/v1/reservations latency on the running local stack (`npm run up`).
 * Each request holds one free seat as the demo customer; every hold is
 * cancelled afterwards, so the demo stays bookable. Run by hand:
 *   node dist/bench/reserve-latency.js --requests 300 --concurrency 10
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { apiClient, signIn } from '../devstack/api-client';
import { devPort } from '../devstack/dev-env';
import { DEMO_ACCOUNTS, DEMO_EVENT_TITLE } from '../devstack/seed';
import { percentile } from './load';

const { values } = parseArgs({
  options: {
    gateway: { type: 'string', default: `http://127.0.0.1:${devPort('gateway')}` },
    requests: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '10' },
  },
});

async function main() {
  const api = apiClient(values.gateway!);
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const { token } = await signIn(api, DEMO_ACCOUNTS.customer.email, DEMO_ACCOUNTS.customer.password);
  const events = await api.expect(200, 'GET', `/api/v1/events?q=${encodeURIComponent(DEMO_EVENT_TITLE)}`);
  const sessionId: string = events.items[0].sessions[0].id;
  const map = await api.expect(200, 'GET', `/api/v1/sessions/${sessionId}/seat-map`);
  const free: string[] = map.seats.filter((s: { status: string }) => s.status === 'available').map((s: { seatId: string }) => s.seatId);
  if (free.length < concurrency) throw new Error(`only ${free.length} free seats`);

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued++;
        const seatId = free.shift()!;
        const t0 = performance.now();
        const res = await api.call('POST', '/api/v1/reservations', { token, body: { sessionId, seatIds: [seatId] } });
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) await api.call('DELETE', `/api/v1/reservations/${res.body.id}`, { token });
        free.push(seatId);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (n: number) => n.toFixed(1);
  console.log(`POST /api/v1/reservations — ${requests} requests, concurrency ${concurrency}, ${cpus().length} cores`);
  console.log('| requests | p50 ms | p95 ms | p99 ms | max ms | holds+cancels/s | statuses |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| ${latencies.length} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(percentile(sorted, 99))} | ${ms(sorted[sorted.length - 1]!)} | ${(latencies.length / seconds).toFixed(1)} | ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')} |`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
