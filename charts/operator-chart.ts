/**
 * The EventSale operator: its CustomResourceDefinition (generated from
 * services/operator/crd.ts, cluster-scoped, so in its own chart), its
 * ServiceAccount and namespaced RBAC (it watches its own namespace). Its
 * Deployment is an AppUnitChart like every other unit's.
 */
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import * as crd from '../services/operator/crd';
import { schemas } from '../services/shared/config';
import { chartProps, unitLabels } from './common';
import type { Environment } from './environment';

export const OPERATOR_NAME = 'operator';

export class EventSaleCrdChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, { labels: chartProps(env).labels });
    new ApiObject(this, 'crd', eventSaleCrd());
  }
}

export function eventSaleCrd() {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${crd.EVENTSALE_PLURAL}.${crd.EVENTSALE_GROUP}` },
    spec: {
      group: crd.EVENTSALE_GROUP,
      scope: 'Namespaced',
      names: {
        kind: crd.EVENTSALE_KIND,
        listKind: crd.EVENTSALE_LIST_KIND,
        plural: crd.EVENTSALE_PLURAL,
        singular: crd.EVENTSALE_SINGULAR,
        shortNames: [...crd.EVENTSALE_SHORT_NAMES],
      },
      versions: [
        {
          name: crd.EVENTSALE_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: crd.eventSaleOpenApiSchema },
          additionalPrinterColumns: crd.eventSalePrinterColumns,
        },
      ],
    },
  };
}

/**
 * Exactly the calls services/operator/kube-client.ts makes, and no more
 * (test/k8s/operator-rbac.test.ts runs the operator on this Role's token and
 * is refused anything else): EventSales are read, listed, watched and
 * merge-patched (finalizers); their status is merge-patched; its Lease is
 * created once, then read and replaced by name. Nothing is deleted, no
 * Kubernetes Event is written.
 */
export function operatorRules(): kplus.k8s.PolicyRule[] {
  const leaseName = schemas.operator.shape.LEADER_ELECTION_LEASE_NAME.parse(undefined);
  return [
    { apiGroups: [crd.EVENTSALE_GROUP], resources: [crd.EVENTSALE_PLURAL], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [crd.EVENTSALE_GROUP], resources: [`${crd.EVENTSALE_PLURAL}/status`], verbs: ['patch'] },
    // RBAC cannot name the object of a create: creating any Lease is allowed, touching only its own.
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [leaseName], verbs: ['get', 'update'] },
  ];
}

export class OperatorChart extends Chart {
  constructor(scope: Construct, id: string, props: { env: Environment }) {
    super(scope, id, chartProps(props.env));
    new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: OPERATOR_NAME, labels: unitLabels(OPERATOR_NAME) },
      automountToken: true,
    });

    new kplus.k8s.KubeRole(this, 'role', { metadata: { name: OPERATOR_NAME }, rules: operatorRules() });
    new kplus.k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: { name: OPERATOR_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: OPERATOR_NAME },
      subjects: [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: props.env.namespace }],
    });
  }
}
