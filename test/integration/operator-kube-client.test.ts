import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The real Kubernetes client wrapper (kube-client.ts over
 * @kubernetes/client-node) on the wire, against a stub API server. The
 * client is ESM-only, which Jest's CommonJS runtime cannot import, so the
 * compiled module runs in a child Node process (`npm run build` first).
 */
const COMPILED = resolve(__dirname, '../../dist/services/operator/kube-client.js');

interface Seen {
  method: string;
  url: string;
  type?: string;
  auth?: string;
  body: string;
}

describe('Kubernetes client wrapper on the wire', () => {
  let server: Server;
  let dir: string;
  const seen: Seen[] = [];
  let lease: any;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, type: req.headers['content-type'], auth: req.headers.authorization, body });
        const u = new URL(req.url!, 'http://stub');
        const send = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        const base = '/apis/ticketing.example.com/v1alpha1/namespaces/shows/eventsales';
        if (u.searchParams.get('watch') === 'true') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'gala', namespace: 'shows', resourceVersion: '8' } } })}\n`);
          res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } })}\n`);
          return;
        }
        if (req.method === 'GET' && u.pathname === base) return send(200, { items: [{ metadata: { name: 'gala', namespace: 'shows' } }], metadata: { resourceVersion: '7' } });
        if (req.method === 'GET' && u.pathname === `${base}/missing`) return send(404, { kind: 'Status', code: 404 });
        if (req.method === 'PATCH' && u.pathname === `${base}/gala/status`) return send(409, { kind: 'Status', code: 409, message: 'the object has been modified' });
        if (req.method === 'PATCH' && u.pathname === `${base}/gala`) return send(200, { metadata: { name: 'gala', namespace: 'shows', ...JSON.parse(body).metadata } });
        if (u.pathname.startsWith('/apis/coordination.k8s.io/v1/namespaces/ops/leases')) {
          if (req.method === 'GET') return lease ? send(200, lease) : send(404, { kind: 'Status', code: 404 });
          lease = JSON.parse(body);
          lease.metadata.resourceVersion = String(Number(lease.metadata.resourceVersion ?? 0) + 1);
          return send(req.method === 'POST' ? 201 : 200, lease);
        }
        send(500, { kind: 'Status', code: 500 });
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    dir = mkdtempSync(join(tmpdir(), 'operator-kubeconfig-'));
    const port = (server.address() as AddressInfo).port;
    writeFileSync(
      join(dir, 'kubeconfig'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stub', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'stub', user: { token: 'stub-token' } }],
        contexts: [{ name: 'stub', context: { cluster: 'stub', user: 'stub' } }],
        'current-context': 'stub',
      }),
    );
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  const script = `
    const { connectKube } = require(${JSON.stringify(COMPILED)});
    (async () => {
      const out = {};
      const k = await connectKube({ namespace: 'shows', watchTimeoutSeconds: 5 });
      const ref = { namespace: 'shows', name: 'gala' };
      out.list = await k.eventSales.list();
      out.missing = (await k.eventSales.get({ namespace: 'shows', name: 'missing' })) ?? null;
      out.finalizers = (await k.eventSales.patchFinalizers(ref, ['ticketing.example.com/cancel-event'], '5')).metadata.finalizers;
      out.statusError = await k.eventSales.patchStatus(ref, { phase: 'OnSale' }, '5').then(() => null, (e) => ({ name: e.name, status: e.status }));
      out.watch = await new Promise((resolve) => {
        const events = [];
        k.eventSales.watch('7', (type, o) => events.push(type + ' ' + o.metadata.name), (err) => resolve({ events, end: err ? err.status : null }));
      });
      const lease = k.lease('ops', 'eventsale-operator');
      out.leaseBefore = (await lease.get()) ?? null;
      const now = new Date().toISOString();
      const created = await lease.create({ holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0 });
      out.leaseReplaced = await lease.replace({ ...created, holderIdentity: 'b', leaseTransitions: 1 });
      console.log(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;

  test('paths, merge patches with resourceVersion, errors by status, watch end, Lease MicroTimes', async () => {
    if (!existsSync(COMPILED)) throw new Error(`${COMPILED} is missing: run npm run build first`);
    const stdout = await new Promise<string>((ok, fail) =>
      execFile(process.execPath, ['-e', script], { env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig') }, timeout: 30_000 }, (err, out, errOut) =>
        err ? fail(new Error(`${err.message}\n${errOut}`)) : ok(out),
      ),
    );
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);

    expect(out.list).toEqual({ items: [{ metadata: { name: 'gala', namespace: 'shows' } }], resourceVersion: '7' });
    expect(out.missing).toBeNull();
    expect(out.finalizers).toEqual(['ticketing.example.com/cancel-event']);
    expect(out.statusError).toEqual({ name: 'KubeApiError', status: 409 });
    // The ERROR event ends the watch once, as a 410 the controller answers with a new list.
    expect(out.watch).toEqual({ events: ['ADDED gala'], end: 410 });
    expect(out.leaseBefore).toBeNull();
    expect(out.leaseReplaced).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, resourceVersion: '2' });

    const byPath = (m: string, p: string) => seen.find((s) => s.method === m && s.url.split('?')[0] === p)!;
    const base = '/apis/ticketing.example.com/v1alpha1/namespaces/shows/eventsales';
    expect(seen.every((s) => s.auth === 'Bearer stub-token')).toBe(true);
    const finalizerPatch = byPath('PATCH', `${base}/gala`);
    expect(finalizerPatch.type).toBe('application/merge-patch+json');
    expect(JSON.parse(finalizerPatch.body)).toEqual({ metadata: { finalizers: ['ticketing.example.com/cancel-event'], resourceVersion: '5' } });
    const statusPatch = byPath('PATCH', `${base}/gala/status`);
    expect(statusPatch.type).toBe('application/merge-patch+json');
    expect(JSON.parse(statusPatch.body)).toEqual({ metadata: { resourceVersion: '5' }, status: { phase: 'OnSale' } });
    const watch = seen.find((s) => s.url.includes('watch=true'))!;
    expect(new URL(watch.url, 'http://stub').searchParams.get('resourceVersion')).toBe('7');
    expect(new URL(watch.url, 'http://stub').searchParams.get('timeoutSeconds')).toBe('5');
    // MicroTime: six fractional digits, as the API server parses it.
    const replaced = JSON.parse(byPath('PUT', '/apis/coordination.k8s.io/v1/namespaces/ops/leases/eventsale-operator').body);
    expect(replaced.metadata.resourceVersion).toBe('1');
    expect(replaced.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
