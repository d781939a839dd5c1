/**
 * The operator's two ways of losing its place, against the real API server
 * and catalog: a watch that expires (410 Gone: etcd compacted past the
 * resourceVersion it resumes from) is followed by a new list that misses no
 * change; an operator killed in the middle of a reconcile (after the catalog
 * created the event, before the operator learnt its id) and restarted
 * converges, without creating anything twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENTSALE_FINALIZER } from '../../services/operator/crd';
import { compactEtcd, type KubeServer } from '../support/kube';
import type { Stack } from '../support/stack';
import {
  applyEventSales, eventSaleObject, readEventSale, startOperator, waitForEventSale, type OperatorProcess, type OperatorProcessOptions,
} from './operator-harness';
import { operatorTestbed, type OperatorTestbed } from './operator-testbed';

jest.setTimeout(120_000);

const WATCH_TIMEOUT_SECONDS = 2;

/**
 * A pass-through proxy to the catalog that, once armed, forwards the first
 * `POST /api/v1/events` and keeps its answer: the catalog has created the event,
 * the caller never hears of it.
 */
function holdingProxy(target: string) {
  let armed = false;
  let onHeld: (() => void) | undefined;
  const held = new Promise<void>((resolve) => (onHeld = resolve));
  const server = http.createServer((req, res) => {
    const hold = armed && req.method === 'POST' && req.url === '/api/v1/events';
    if (hold) armed = false;
    const upstream = http.request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
      if (hold) {
        answer.resume().on('end', () => onHeld!());
        return;
      }
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return {
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    arm: () => (armed = true),
    held,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('the operator losing its place', () => {
  let bed: OperatorTestbed;
  let k: KubeServer;
  let ns = '';
  let stack: Stack;
  const running: OperatorProcess[] = [];
  const operator = (identity: string, more: Partial<OperatorProcessOptions> = {}) => {
    const p = startOperator({ ...bed.options, env: { KUBE_WATCH_TIMEOUT_SECONDS: String(WATCH_TIMEOUT_SECONDS) }, identity, ...more });
    running.push(p);
    return p;
  };
  const waitFor = (name: string, jsonpath: string, value: string | number) => waitForEventSale(k, ns, name, jsonpath, value);
  const catalogRows = async (table: 'events' | 'venues', column: 'title' | 'name', value: string) =>
    (await stack.pool.query(`SELECT id FROM catalog.${table} WHERE organizer_id = $1 AND ${column} = $2`, [bed.organizer.user.id, value])).rows as { id: string }[];

  beforeAll(async () => {
    bed = await operatorTestbed('resilience', { worker: false });
    ({ k, ns, stack } = bed);
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await bed?.close();
  });

  it('lists again after its watch expired (410 Gone), and reconciles the change it did not see', async () => {
    const op = operator('operator-0');
    try {
      await op.waitForLog(/^became leader$/);
      const sale = eventSaleObject(ns, 'encore');
      await applyEventSales(k, sale);
      await waitFor('encore', '.status.phase', 'OnSale');

      // Frozen past the end of its open watch (the server closes it after WATCH_TIMEOUT_SECONDS),
      // it misses the change below; compaction then drops the history it would resume from.
      op.pause();
      await new Promise((r) => setTimeout(r, (WATCH_TIMEOUT_SECONDS + 2) * 1000));
      const changed = structuredClone(sale);
      changed.spec.event.title = `${sale.spec.event.title} (moved)`;
      await applyEventSales(k, changed);
      await compactEtcd(k);
      op.resume();

      await op.waitForLog(/^watch expired \(410 Gone\): listing again$/);
      await waitFor('encore', '.status.observedGeneration', 2);
      expect(await catalogRows('events', 'title', changed.spec.event.title)).toHaveLength(1);
    } finally {
      // A leader left running would hold the Lease through the next test.
      await op.stop('SIGTERM');
    }
  });

  it('converges after being killed mid-reconcile, creating nothing twice', async () => {
    const proxy = holdingProxy(stack.urls.catalog);
    const proxyUrl = await proxy.listen();
    try {
      proxy.arm();
      const first = operator('operator-1', { catalogUrl: proxyUrl });
      const sale = eventSaleObject(ns, 'interrupted');
      await applyEventSales(k, sale);
      await proxy.held;
      await first.stop('SIGKILL');

      // Killed between the catalog's create and the status write: a draft event, a finalizer, no status.
      const [draft] = await catalogRows('events', 'title', sale.spec.event.title);
      expect(draft).toBeDefined();
      const before = (await readEventSale(k, ns, 'interrupted'))!;
      expect(before.metadata.finalizers).toEqual([EVENTSALE_FINALIZER]);
      expect(before.status).toBeUndefined();

      // Its container restarts in the same pod: same identity, so it takes its Lease back at once.
      operator('operator-1');
      await waitFor('interrupted', '.status.phase', 'OnSale');
      const after = (await readEventSale(k, ns, 'interrupted'))!;
      expect(await catalogRows('events', 'title', sale.spec.event.title)).toEqual([draft]);
      expect(after.status!.catalog!.eventId).toBe(draft!.id);
      expect(await catalogRows('venues', 'name', sale.spec.venue.name)).toHaveLength(1);
      expect(after.status!.sessions).toHaveLength(1);
    } finally {
      proxy.close();
    }
  });
});
