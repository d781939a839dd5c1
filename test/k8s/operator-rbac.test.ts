/**
 * The operator's RBAC in the charts, judged by the real API server with the
 * operator's own ServiceAccount token (TokenRequest API), not an admin's:
 * it may make exactly the calls services/operator/kube-client.ts makes, and
 * is refused the rest. That these calls are enough is shown by the operator
 * tests of this folder, which run the operator on this token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPERATOR_NAME } from '../../charts/operator-chart';
import { asManifest, createNamespace, kubectl, kubeServer, type KubeServer } from '../support/kube';
import { LEASE_NAME, eventSaleObject, installEventSaleCrd, operatorKubeconfig } from './operator-harness';

jest.setTimeout(60_000);

describe("the operator's ServiceAccount, with the charts' Role", () => {
  let k: KubeServer;
  let ns = '';
  let elsewhere = '';
  let kubeconfig = '';
  let dir = '';
  const sale = (namespace: string) => eventSaleObject(namespace, 'gala');

  beforeAll(async () => {
    k = await kubeServer();
    await installEventSaleCrd(k);
    ns = await createNamespace(k, 'rbac');
    elsewhere = await createNamespace(k, 'rbac-other');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'operator-rbac-'));
    kubeconfig = await operatorKubeconfig(k, ns, dir);
    await kubectl(k, ['apply', '--server-side', '-f', '-'], { input: asManifest([sale(ns), sale(elsewhere)]) });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const asOperator = (args: string[]) => kubectl(k, args, { kubeconfig, allowFailure: true });

  it('is the ServiceAccount, not an admin', async () => {
    const who = JSON.parse((await asOperator(['auth', 'whoami', '-o', 'json'])).stdout);
    expect(who.status.userInfo.username).toBe(`system:serviceaccount:${ns}:${OPERATOR_NAME}`);
    expect(who.status.userInfo.groups).not.toContain('system:masters');
  });

  it.each([
    ['get', 'eventsales', '/gala'],
    ['list', 'eventsales', ''],
    ['watch', 'eventsales', ''],
    ['patch', 'eventsales', '/gala'],
    ['patch', 'eventsales/status', '/gala'],
    ['create', 'leases', ''],
    ['get', 'leases', `/${LEASE_NAME}`],
    ['update', 'leases', `/${LEASE_NAME}`],
  ])('may %s %s%s in its namespace (a call kube-client.ts makes)', async (verb, resource, name) => {
    const [plural, subresource] = resource.split('/');
    const args = ['auth', 'can-i', verb, `${plural}${name}`, '-n', ns, ...(subresource ? [`--subresource=${subresource}`] : [])];
    const r = await asOperator(args);
    expect(`${verb} ${resource}: ${r.stdout.trim()}`).toBe(`${verb} ${resource}: yes`);
  });

  const REFUSED: { what: string; args: () => string[]; message: RegExp; input?: () => object }[] = [
    { what: 'delete an EventSale', args: () => ['delete', 'eventsale', 'gala', '-n', ns], message: /cannot delete resource "eventsales"/ },
    { what: 'replace an EventSale (it only patches)', args: () => ['replace', '-f', '-'], message: /cannot update resource "eventsales"/, input: () => sale(ns) },
    { what: 'read EventSales of another namespace', args: () => ['get', 'eventsales', '-n', elsewhere], message: /cannot list resource "eventsales"/ },
    { what: 'read Secrets', args: () => ['get', 'secrets', '-n', ns], message: /cannot list resource "secrets"/ },
    { what: 'read Pods', args: () => ['get', 'pods', '-n', ns], message: /cannot list resource "pods"/ },
    { what: 'read another Lease', args: () => ['get', 'lease', 'someone-else', '-n', ns], message: /cannot get resource "leases"/ },
    { what: 'list Leases', args: () => ['get', 'leases', '-n', ns], message: /cannot list resource "leases"/ },
    {
      what: 'write a Kubernetes Event',
      args: () => ['create', '--dry-run=server', '-f', '-'],
      message: /cannot create resource "events"/,
      input: () => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'x', namespace: ns }, involvedObject: { kind: 'EventSale', name: 'gala', namespace: ns } }),
    },
    { what: 'change its own Role', args: () => ['patch', 'role', OPERATOR_NAME, '-n', ns, '--type=merge', '-p', '{"rules":[]}'], message: /cannot (get|patch) resource "roles"/ },
  ];

  it.each(REFUSED)('is refused: $what', async ({ args, message, input }) => {
    const r = await kubectl(k, args(), { kubeconfig, allowFailure: true, input: input ? asManifest([input()]) : undefined });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/forbidden/i);
    expect(r.stderr).toMatch(message);
  });
});
