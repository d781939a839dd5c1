/**
 * The only ways in from outside: the gateway at the public host, the Temporal
 * UI at temporal.<host>. Production protects the UI with basic auth at the
 * ingress (the htpasswd Secret `temporal-ui-basic-auth` must exist) and
 * terminates TLS with the existing Secret `ticketing-tls`.
 */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { chartProps } from './common';
import { temporalUiHost, type Environment } from './environment';
import { INFRA, appUnit } from './units';

export const TLS_SECRET = 'ticketing-tls';
export const TEMPORAL_UI_AUTH_SECRET = 'temporal-ui-basic-auth';

export class IngressChart extends Chart {
  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id, chartProps(env));
    const gateway = appUnit('gateway');

    const ingress = (cid: string, name: string, host: string, service: string, servicePort: number, annotations: Record<string, string>) =>
      new kplus.k8s.KubeIngress(this, cid, {
        metadata: { name, annotations },
        spec: {
          ingressClassName: env.ingressClassName,
          ...(env.tls ? { tls: [{ hosts: [host], secretName: TLS_SECRET }] } : {}),
          rules: [
            {
              host,
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: servicePort } } } }] },
            },
          ],
        },
      });

    // The gateway enforces its own body limit; the ingress must not cut a request before it does.
    ingress('gateway', 'gateway', env.ingressHost, gateway.name, gateway.port, { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' });
    ingress(
      'temporal-ui',
      'temporal-ui',
      temporalUiHost(env),
      INFRA.temporalUi.name,
      INFRA.temporalUi.port,
      env.createSecrets
        ? {}
        : {
            'nginx.ingress.kubernetes.io/auth-type': 'basic',
            'nginx.ingress.kubernetes.io/auth-secret': TEMPORAL_UI_AUTH_SECRET,
            'nginx.ingress.kubernetes.io/auth-realm': 'Temporal UI',
          },
    );
  }
}
