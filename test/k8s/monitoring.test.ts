/**
 * What Prometheus and Grafana get from the manifests: every application pod
 * says where its metrics are (the port its container serves HTTP on), and the
 * dashboard and alert rules ship byte for byte as they are in observability/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KIND, PRODUCTION } from '../../charts/environment';
import { ALERTS_FILE, DASHBOARD_FILE, OBSERVABILITY_DIR } from '../../charts/monitoring-chart';
import { deployments, find, objectsOf } from './manifests';

describe.each([
  ['kind', KIND.image],
  ['production', PRODUCTION.image],
] as const)('%s: monitoring', (env, image) => {
  const objects = objectsOf(env);
  const apps = deployments(objects).filter((d) => d.spec.template.spec.containers[0].image === image);

  it.each(apps.map((d) => [d.metadata.name, d] as const))('%s: its pods are scraped on the port their container serves /healthz on', (_name, d) => {
    const container = d.spec.template.spec.containers[0];
    expect(d.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(container.livenessProbe.httpGet.port),
      'prometheus.io/path': '/metrics',
    });
  });

  it('ships the dashboard and the alert rules as they are in observability/', () => {
    const decoded = (name: string, key: string) => Buffer.from((find(objects, 'ConfigMap', name) as unknown as { binaryData: Record<string, string> }).binaryData[key]!, 'base64');
    expect(decoded('ticketing-grafana-dashboard', 'ticketing-booking-funnel.json')).toEqual(fs.readFileSync(path.join(OBSERVABILITY_DIR, DASHBOARD_FILE)));
    expect(decoded('ticketing-prometheus-rules', 'ticketing-alerts.yaml')).toEqual(fs.readFileSync(path.join(OBSERVABILITY_DIR, ALERTS_FILE)));
    expect(find(objects, 'ConfigMap', 'ticketing-grafana-dashboard').metadata.labels).toMatchObject({ grafana_dashboard: '1' });
  });
});
