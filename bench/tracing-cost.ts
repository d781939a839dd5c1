/**
 * What tracing costs per request, off and on. Run by hand (nothing else needed):
 *   node dist/bench/tracing-cost.js [--requests 20000] [--concurrency 20] [--only off|on]
 *
 * Each mode runs in a child process of its own, as a service would: two
 * services on the shared HTTP skeleton (createServiceApp), the front one
 * answering each request after one call to the back one through the typed
 * service client (undici), so a request crosses the incoming-HTTP, the
 * correlation and the outgoing-call paths twice. "off" is a service without
 * OTEL_EXPORTER_OTLP_ENDPOINT (what runs by default); "on" loads the
 * instrumentations first and exports every span over OTLP/HTTP to a sink in
 * the parent that discards them. Prints CPU (user + system) per request of
 * the child, which holds both services.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { request } from 'undici';

async function child(mode: 'off' | 'on', endpoint: string): Promise<void> {
  if (mode === 'on') (require('../services/shared/tracing') as typeof import('../services/shared/tracing')).enableInstrumentations();
  const { createServiceApp, finishApp, listen } = require('../services/shared/http') as typeof import('../services/shared/http');
  const { createLogger } = require('../services/shared/logger') as typeof import('../services/shared/logger');
  const { createServiceClient } = require('../services/shared/service-client') as typeof import('../services/shared/service-client');
  const tracing = mode === 'on' ? (require('../services/shared/tracing') as typeof import('../services/shared/tracing')).startTracing('bench', endpoint) : undefined;
  // Request lines are not what is measured: warn keeps them out (and runs the same against older code).
  const logger = createLogger('bench', 'warn', '/dev/null');
  const back = createServiceApp({ name: 'back', logger, ready: async () => undefined });
  back.app.get('/answer', (_req, res) => void res.json({ ok: true }));
  const backServer = await listen(finishApp(back.app, logger), 0, '127.0.0.1');
  const client = createServiceClient(backServer.url, 'bench-service-token-0123');
  const front = createServiceApp({ name: 'front', logger, ready: async () => undefined });
  front.app.get('/ask', async (_req, res) => void res.json(await client.request('GET', '/answer')));
  const frontServer = await listen(finishApp(front.app, logger), 0, '127.0.0.1');
  process.send!({ url: frontServer.url });
  process.on('message', async (m: string) => {
    if (m === 'start') process.send!({ cpu: process.cpuUsage() });
    if (m === 'stop') {
      process.send!({ cpu: process.cpuUsage() });
      await tracing?.close();
      process.exit(0);
    }
  });
}

async function measure(mode: 'off' | 'on', endpoint: string, requests: number, concurrency: number): Promise<number> {
  const proc = spawn(process.execPath, [__filename, '--child', mode, '--endpoint', endpoint], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<any>((resolve) => proc.once('message', resolve));
  const { url } = await next();
  const run = async (n: number) => {
    let left = n;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) await (await request(`${url}/ask`)).body.text();
      }),
    );
  };
  await run(Math.min(2_000, requests)); // warm-up: JIT, sockets
  proc.send('start');
  const before = (await next()).cpu;
  await run(requests);
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.send('stop');
  const after = (await next()).cpu;
  await exited; // its last spans are sent before the sink closes
  return (after.user - before.user + after.system - before.system) / requests;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { child: { type: 'string' }, endpoint: { type: 'string' }, requests: { type: 'string' }, concurrency: { type: 'string' }, only: { type: 'string' } },
  });
  if (values.child) return child(values.child as 'off' | 'on', values.endpoint!);
  let spans = 0;
  const sink = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      spans++;
      res.end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const requests = Number(values.requests ?? 20_000);
  const concurrency = Number(values.concurrency ?? 20);
  const off = values.only === 'on' ? NaN : await measure('off', endpoint, requests, concurrency);
  const on = values.only === 'off' ? NaN : await measure('on', endpoint, requests, concurrency);
  const both = Number.isFinite(off) && Number.isFinite(on) ? ` (+${(((on - off) / off) * 100).toFixed(0)}%)` : '';
  const shown = [Number.isFinite(off) ? `tracing off ${off.toFixed(0)}` : '', Number.isFinite(on) ? `on ${on.toFixed(0)}` : ''].filter(Boolean).join(', ');
  console.log(`CPU per request (µs, both services): ${shown}${both}; ${spans} OTLP exports received`);
  sink.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
