/**
 * What the operator tests beside the catalog share: the API server with the
 * EventSale CRD, a namespace with the operator's RBAC and a kubeconfig of its
 * ServiceAccount token, the test stack and the organizer account the operator
 * signs in as.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureAccount, type SignedIn } from '../../devstack/api-client';
import { createNamespace, kubeServer, type KubeServer } from '../support/kube';
import { startStack, type Stack, type StackOptions } from '../support/stack';
import { installEventSaleCrd, operatorKubeconfig, type OperatorProcessOptions } from './operator-harness';

export interface OperatorTestbed {
  k: KubeServer;
  ns: string;
  stack: Stack;
  /** The operator's organizer account, signed in. */
  organizer: SignedIn;
  /** Settings of an operator process in this testbed (name its identity). */
  options: Omit<OperatorProcessOptions, 'identity'>;
  close(): Promise<void>;
}

export async function operatorTestbed(prefix: string, stackOptions: StackOptions = {}): Promise<OperatorTestbed> {
  const k = await kubeServer();
  await installEventSaleCrd(k);
  const ns = await createNamespace(k, prefix);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const kubeconfig = await operatorKubeconfig(k, ns, dir);
  const stack = await startStack(stackOptions);
  const account = { email: `operator-${randomUUID().slice(0, 8)}@test.example`, password: 'Operator-pass-42', name: 'EventSale operator' };
  const organizer = await ensureAccount(stack.api, account, 'organizer', stack.admin.token);
  return {
    k,
    ns,
    stack,
    organizer,
    options: { kubeconfig, namespace: ns, catalogUrl: stack.urls.catalog, authUrl: stack.urls.auth, email: account.email, password: account.password },
    async close() {
      await stack.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
