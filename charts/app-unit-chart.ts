/**
 * One deployable unit of the application image: ConfigMap, Deployment,
 * Service, PodDisruptionBudget, NetworkPolicy and, where it scales, an HPA.
 */
import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { RESTRICTED, RESTRICTED_CONTAINER, RESTRICTED_POD, chartProps, containerResources, networkPolicy, podDisruptionBudget, unitLabels, unitSelector, type Route } from './common';
import type { Environment } from './environment';
import { scrapeAnnotations } from './monitoring-chart';
import { unitEnv } from './service-env';
import { clientsOf, type Topology } from './topology';
import { INFRA, appUnit, replicaBounds, type AppUnit } from './units';

/** The image's user (node:20-slim's `node`), so volumes and the security context agree. */
export const APP_UID = 1000;

export interface AppUnitChartProps {
  env: Environment;
  unit: AppUnit;
  topology: Topology;
  /** Set for units that call the Kubernetes API (the operator): an existing ServiceAccount's name. */
  serviceAccountName?: string;
}

export class AppUnitChart extends Chart {
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: AppUnitChartProps) {
    super(scope, id, chartProps(props.env));
    const { env, unit } = props;
    const planned = unitEnv(unit, env);

    const configValues = Object.fromEntries(
      Object.entries(planned.env).flatMap(([k, s]) => (s.from === 'config' ? [[k, s.value] as const] : [])),
    );
    const configMap = new kplus.ConfigMap(this, 'config', { metadata: { name: `${unit.name}-config` }, data: configValues });

    const secretEnv: Record<string, kplus.EnvValue> = {};
    for (const [key, s] of Object.entries(planned.env)) {
      if (s.from === 'secret') {
        const secret = kplus.Secret.fromSecretName(this, `secret-${key}`, s.secret);
        secretEnv[key] = kplus.EnvValue.fromSecretValue({ secret, key: s.key }, s.optional ? { optional: true } : undefined);
      } else if (s.from === 'field') {
        secretEnv[key] = kplus.EnvValue.fromFieldRef(s.fieldPath as kplus.EnvFieldPaths);
      }
    }

    // With an HPA the replica count is only the starting point: the autoscaler's minimum.
    const replicas = replicaBounds(unit, env).min;
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: unit.name, labels: unitLabels(unit.name) },
      replicas,
      select: false,
      podMetadata: { labels: unitLabels(unit.name), annotations: scrapeAnnotations(unit.port) },
      serviceAccount: props.serviceAccountName ? kplus.ServiceAccount.fromServiceAccountName(this, 'service-account', props.serviceAccountName) : undefined,
      automountServiceAccountToken: Boolean(unit.kubeApi),
      securityContext: { ensureNonRoot: true, user: APP_UID, group: APP_UID, fsGroup: APP_UID },
      terminationGracePeriod: Duration.seconds(30),
      containers: [
        {
          name: unit.name,
          image: env.image,
          imagePullPolicy: env.imagePullPolicy as kplus.ImagePullPolicy,
          // One image for every unit: the entry point is the argument.
          command: ['node', ...(env.liveUpdate ? ['--watch'] : []), ...(unit.heapMi ? [`--max-old-space-size=${unit.heapMi}`] : []), unit.entry],
          ports: [{ name: 'http', number: unit.port }, ...(unit.extraPorts ?? []).map((p) => ({ name: p.name, number: p.port }))],
          envFrom: [kplus.Env.fromConfigMap(configMap)],
          envVariables: secretEnv,
          liveness: kplus.Probe.fromHttpGet('/healthz', { port: unit.port, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
          readiness: kplus.Probe.fromHttpGet('/readyz', { port: unit.port, periodSeconds: Duration.seconds(5), failureThreshold: 3 }),
          // Migrations run at start: give them time before liveness counts.
          startup: kplus.Probe.fromHttpGet('/healthz', { port: unit.port, periodSeconds: Duration.seconds(2), failureThreshold: 60 }),
          resources: containerResources(unit.resources),
          securityContext: { ...RESTRICTED, readOnlyRootFilesystem: !env.liveUpdate, user: APP_UID, group: APP_UID },
          volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp') }],
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: unitSelector(unit.name) }));
    // What cdk8s-plus-27 cannot say (common.ts): the pod's seccomp profile, no capabilities.
    ApiObject.of(this.deployment).addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', RESTRICTED_POD.seccompProfile),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', RESTRICTED_CONTAINER.capabilities),
    );

    new kplus.Service(this, 'service', {
      metadata: { name: unit.name, labels: unitLabels(unit.name) },
      selector: kplus.Pods.select(this, 'pods', { labels: unitSelector(unit.name) }),
      ports: [
        { name: 'http', port: unit.port, targetPort: unit.port },
        ...(unit.extraPorts ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
      ],
    });

    if (unit.autoscale) {
      const { min, max } = replicaBounds(unit, env);
      new kplus.k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: { name: unit.name },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: unit.name },
          minReplicas: min,
          maxReplicas: max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: unit.autoscale.cpuPercent } } }],
        },
      });
    }

    podDisruptionBudget(this, unit.name);
    networkPolicy(this, unit.name, ingressRoutes(props), egressRoutes(props, planned.dependsOn));
  }
}

function unitPorts(unit: AppUnit): Route['ports'] {
  return [{ port: unit.port }, ...(unit.extraPorts ?? []).map((p) => ({ port: p.port }))];
}

function ingressRoutes({ env, unit, topology }: AppUnitChartProps): Route[] {
  const routes: Route[] = clientsOf(topology, unit.name).map((client) => ({ peer: { unit: client }, ports: unitPorts(unit) }));
  // Only the ingress controller reaches the gateway from outside the namespace.
  if (unit.name === 'gateway') routes.unshift({ peer: { namespace: env.ingressControllerNamespace }, ports: [{ port: unit.port }] });
  // Prometheus scrapes every unit's /metrics on its HTTP port (scrapeAnnotations).
  routes.push({ peer: { namespace: env.monitoringNamespace }, ports: [{ port: unit.port }] });
  return routes;
}

function egressRoutes({ unit }: AppUnitChartProps, deps: Set<string>): Route[] {
  const routes: Route[] = [];
  for (const dep of [...deps].sort()) {
    if (dep === 'postgres' || dep === 'redis' || dep === 'temporal') {
      routes.push({ peer: { unit: INFRA[dep].name }, ports: [{ port: INFRA[dep].port }] });
    } else if (dep === 'smtp-relay') {
      routes.push({ peer: { cidr: '0.0.0.0/0' }, ports: [{ port: 25 }, { port: 465 }, { port: 587 }] });
    } else {
      routes.push({ peer: { unit: dep }, ports: unitPorts(appUnit(dep as AppUnit['name'])) });
    }
  }
  // The Kubernetes API server's address depends on the cluster (kind: 6443 behind the kubernetes Service on 443).
  if (unit.kubeApi) routes.push({ peer: { cidr: '0.0.0.0/0' }, ports: [{ port: 443 }, { port: 6443 }] });
  return routes;
}
