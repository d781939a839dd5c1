/**
 * What Prometheus and Grafana need from the platform: every application pod
 * says where its metrics are (the `prometheus.io/*` annotations that the
 * usual kubernetes-pods scrape job reads), and the dashboard and alert rules
 * of observability/ ship as ConfigMaps (the Grafana sidecar picks up
 * ConfigMaps labelled `grafana_dashboard`; the rules mount into Prometheus
 * as a rule file). Their contents are binaryData: the files are full of
 * `{{ }}` (legend formats, alert templates), which the Helm packaging would
 * otherwise take for its own templates; the kubelet and the sidecar decode
 * it back to the files as they are in the repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { REPO_ROOT } from '../services/shared/repo-root';
import { chartProps } from './common';
import type { Environment } from './environment';

export const METRICS_PATH = '/metrics';
export const OBSERVABILITY_DIR = path.join(REPO_ROOT, 'observability');
export const DASHBOARD_FILE = 'grafana-dashboard.json';
export const ALERTS_FILE = 'alerts.yaml';

/** The pod annotations Prometheus' kubernetes-pods job scrapes by: every unit serves /metrics on its HTTP port. */
export function scrapeAnnotations(port: number): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': METRICS_PATH };
}

const asBinary = (file: string) => fs.readFileSync(path.join(OBSERVABILITY_DIR, file)).toString('base64');

export class MonitoringChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, chartProps(env));
    new kplus.k8s.KubeConfigMap(this, 'dashboard', {
      metadata: { name: 'ticketing-grafana-dashboard', labels: { grafana_dashboard: '1' } },
      binaryData: { 'ticketing-booking-funnel.json': asBinary(DASHBOARD_FILE) },
    });
    new kplus.k8s.KubeConfigMap(this, 'alerts', {
      metadata: { name: 'ticketing-prometheus-rules', labels: { prometheus_rule: '1' } },
      binaryData: { 'ticketing-alerts.yaml': asBinary(ALERTS_FILE) },
    });
  }
}
