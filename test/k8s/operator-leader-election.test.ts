/**
 * Two replicas of the operator (its compiled main, each its own process, on
 * the chart's ServiceAccount token) campaign for the real coordination.k8s.io
 * Lease: exactly one leads; when it is killed, the other takes over once the
 * lease has run out (not before), and a replica stopped gracefully hands the
 * lease over at once. No catalog is needed to see who acts: the leader
 * reconciles, fails to reach the (absent) catalog and says so in the
 * EventSale's status; a standby writes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventSale } from '../../services/operator/crd';
import { eventually } from '../support/eventually';
import { createNamespace, getObject, kubeServer, type KubeServer } from '../support/kube';
import { LEASE_NAME, applyEventSales, eventSaleObject, installEventSaleCrd, leaseHolder, operatorKubeconfig, startOperator, type OperatorProcess } from './operator-harness';

jest.setTimeout(120_000);

const LEASE_SECONDS = 4;
const RETRY_SECONDS = 1;
// Nothing listens there: the leader's reconciles fail fast, which its status then reports.
const NO_CATALOG = 'http://127.0.0.1:9';

describe('operator leader election through the real Lease', () => {
  let k: KubeServer;
  let ns = '';
  let dir = '';
  let kubeconfig = '';
  const replicas: OperatorProcess[] = [];
  /** The replica leading after each test. */
  let leading: OperatorProcess | undefined;

  const replica = (identity: string) => {
    const p = startOperator({
      kubeconfig,
      namespace: ns,
      identity,
      catalogUrl: NO_CATALOG,
      authUrl: NO_CATALOG,
      email: 'operator@test.example',
      password: 'not-used-here',
      env: {
        LEADER_ELECTION_LEASE_SECONDS: String(LEASE_SECONDS),
        LEADER_ELECTION_RENEW_DEADLINE_SECONDS: '3',
        LEADER_ELECTION_RETRY_SECONDS: String(RETRY_SECONDS),
      },
    });
    replicas.push(p);
    return p;
  };

  const sale = (name: string, title: string) => {
    const o = eventSaleObject(ns, name);
    o.spec.event.title = title;
    return o;
  };
  const apply = (o: EventSale) => applyEventSales(k, o);

  /** The Ready condition's observedGeneration once a leader has reconciled that generation (and failed: no catalog). */
  const reconciledGeneration = async (name: string) => {
    const o = await getObject(k, ['eventsale', name, '-n', ns]);
    const ready = o?.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');
    return { generation: o?.metadata?.generation, ready: ready && { reason: ready.reason, observedGeneration: ready.observedGeneration } };
  };

  beforeAll(async () => {
    k = await kubeServer();
    await installEventSaleCrd(k);
    ns = await createNamespace(k, 'leader');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-leader-'));
    kubeconfig = await operatorKubeconfig(k, ns, dir);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('elects exactly one of two replicas, which alone reconciles', async () => {
    const [a, b] = [replica('operator-a'), replica('operator-b')];
    const leader = await Promise.race([a, b].map((r) => r.waitForLog(/^became leader$/).then(() => r)));
    const standby = leader === a ? b : a;
    expect(await leaseHolder(k, ns)).toBe(leader.identity);

    await apply(sale('first', 'First'));
    await eventually(async () => expect(await reconciledGeneration('first')).toEqual({ generation: 1, ready: { reason: 'ReconcileFailed', observedGeneration: 1 } }), 30_000, 250);
    // Several lease periods later: still the same leader, and the standby never led nor reconciled.
    await new Promise((r) => setTimeout(r, 2 * LEASE_SECONDS * 1000));
    expect(await leaseHolder(k, ns)).toBe(leader.identity);
    expect(standby.logs.filter((l) => /became leader|reconcile failed/.test(l.msg ?? ''))).toEqual([]);
    expect(leader.logs.some((l) => l.msg === 'reconcile failed')).toBe(true);
    leading = leader;
  });

  it('lets the standby take over once a killed leader\'s lease runs out, not before', async () => {
    const leader = leading!;
    const standby = replicas.find((r) => r !== leader)!;
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await standby.waitForLog(/^became leader$/, 30_000);
    const tookOverAfter = (Date.now() - killedAt) / 1000;
    expect(await leaseHolder(k, ns)).toBe(standby.identity);
    // It waits out the lease it last saw renewed (at most one retry period before the kill), then acquires at its next try.
    expect(tookOverAfter).toBeGreaterThanOrEqual(LEASE_SECONDS - RETRY_SECONDS - 0.5);
    expect(tookOverAfter).toBeLessThan(LEASE_SECONDS + 2 * RETRY_SECONDS + 3);
    const lease = await getObject(k, ['lease', LEASE_NAME, '-n', ns]);
    expect(lease.spec.leaseTransitions).toBe(1);

    // The new leader acts: a spec change is reconciled (and reported failing: no catalog).
    await apply(sale('first', 'First, revised'));
    await eventually(async () => expect(await reconciledGeneration('first')).toEqual({ generation: 2, ready: { reason: 'ReconcileFailed', observedGeneration: 2 } }), 30_000, 250);
    leading = standby;
  });

  it('hands the lease over at once when the leader stops gracefully', async () => {
    const leader = leading!;
    const next = replica('operator-c');
    await next.waitForLog(/operator listening/);
    const stoppedAt = Date.now();
    await leader.stop('SIGTERM');
    await next.waitForLog(/^became leader$/, 30_000);
    // Released (holder cleared), so no lease duration to wait out.
    expect((Date.now() - stoppedAt) / 1000).toBeLessThan(2 * RETRY_SECONDS + 2);
    expect(await leaseHolder(k, ns)).toBe('operator-c');
  });
});
