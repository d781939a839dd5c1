/**
 * Composes the charts of charts/ for one environment. `buildApp` is what
 * `npm run synth` writes out and what the tests synthesize in-process.
 */
import { App, YamlOutputType } from 'cdk8s';
import { AppUnitChart } from '../charts/app-unit-chart';
import { PostgresChart, RedisChart } from '../charts/data-store-chart';
import { ENVIRONMENTS, type Environment, type EnvironmentName } from '../charts/environment';
import { IngressChart } from '../charts/ingress-chart';
import { MonitoringChart } from '../charts/monitoring-chart';
import { EventSaleCrdChart, OPERATOR_NAME, OperatorChart } from '../charts/operator-chart';
import { NamespaceChart, PlatformChart } from '../charts/platform-chart';
import { deployedUnits } from '../charts/service-env';
import { TemporalChart } from '../charts/temporal-chart';
import { topology } from '../charts/topology';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

export function buildApp(env: Environment, outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const t = topology(env);
  // Chart ids sort in apply order: the namespace and the CRD before what lives in them.
  if (env.includeNamespace) new NamespaceChart(app, '00-namespace', env);
  new EventSaleCrdChart(app, '01-eventsale-crd', env);
  new PlatformChart(app, '02-platform', env);
  new PostgresChart(app, '10-postgres', { env, topology: t });
  new RedisChart(app, '11-redis', { env, topology: t });
  new TemporalChart(app, '20-temporal', { env, topology: t });
  new OperatorChart(app, '30-operator-rbac', { env });
  for (const unit of deployedUnits(env)) {
    // The operator's ServiceAccount and RBAC are the operator chart's; its Deployment names them.
    new AppUnitChart(app, `40-${unit.name}`, { env, unit, topology: t, ...(unit.kubeApi ? { serviceAccountName: OPERATOR_NAME } : {}) });
  }
  new IngressChart(app, '90-ingress', env);
  new MonitoringChart(app, '91-monitoring', env);
  return app;
}

/** Every object of an environment, in chart order, as `kubectl apply` would receive them. */
export function synthObjects(envName: EnvironmentName | Environment): K8sObject[] {
  const env = typeof envName === 'string' ? ENVIRONMENTS[envName] : envName;
  return buildApp(env).charts.flatMap((c) => c.toJson() as K8sObject[]);
}

/**
 * The production environment with Helm placeholders where the chart takes
 * values (charts/README.md documents them); `helm template` with the default
 * values renders them back to the production settings.
 */
export function helmEnvironment(): Environment {
  return {
    ...ENVIRONMENTS.production,
    namespace: '{{ .Release.Namespace }}',
    image: '{{ .Values.image.repository }}:{{ .Values.image.tag }}',
    imagePullPolicy: '{{ .Values.image.pullPolicy }}' as Environment['imagePullPolicy'],
    ingressHost: '{{ .Values.ingress.host }}',
    ingressClassName: '{{ .Values.ingress.className }}',
    includeNamespace: false,
  };
}
