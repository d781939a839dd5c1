/**
 * Reading the synthesized manifests the way the cluster would: objects by
 * kind and name, and a container's environment with its ConfigMap and Secret
 * references resolved from the same environment's objects.
 */
import { synthObjects, type K8sObject } from '../../cdk8s/app';
import type { EnvironmentName } from '../../charts/environment';

export type Obj = K8sObject & { spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };

const cache = new Map<EnvironmentName, Obj[]>();

export function objectsOf(env: EnvironmentName): Obj[] {
  if (!cache.has(env)) cache.set(env, synthObjects(env) as Obj[]);
  return cache.get(env)!;
}

export function find(objects: Obj[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the manifests`);
  return o;
}

export function deployments(objects: Obj[]): Obj[] {
  return objects.filter((o) => o.kind === 'Deployment');
}

/** The container's environment as the kubelet would set it; fieldRefs get the values a pod would have. */
/**
 * `externalSecrets`: Secrets the environment references but does not create
 * (production) resolve to a marker, so a reference still counts as "set".
 */
export function resolvedEnv(objects: Obj[], deployment: Obj, container: any, opts: { externalSecrets?: boolean } = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, find(objects, 'ConfigMap', from.configMapRef.name).data);
    if (from.secretRef) Object.assign(env, secretData(find(objects, 'Secret', from.secretRef.name)));
  }
  for (const v of container.env ?? []) {
    if ('value' in v) env[v.name] = v.value;
    else if (v.valueFrom?.configMapKeyRef) env[v.name] = find(objects, 'ConfigMap', v.valueFrom.configMapKeyRef.name).data![v.valueFrom.configMapKeyRef.key]!;
    else if (v.valueFrom?.secretKeyRef) {
      const ref = v.valueFrom.secretKeyRef;
      if (opts.externalSecrets && !objects.some((o) => o.kind === 'Secret' && o.metadata.name === ref.name)) {
        if (!ref.optional) env[v.name] = `<secret ${ref.name}/${ref.key}>`;
        continue;
      }
      const value = secretData(find(objects, 'Secret', v.valueFrom.secretKeyRef.name))[v.valueFrom.secretKeyRef.key];
      if (value === undefined && !v.valueFrom.secretKeyRef.optional) throw new Error(`${v.name}: Secret ${v.valueFrom.secretKeyRef.name} has no key ${v.valueFrom.secretKeyRef.key}`);
      if (value !== undefined) env[v.name] = value;
    } else if (v.valueFrom?.fieldRef) {
      const path = v.valueFrom.fieldRef.fieldPath;
      env[v.name] = path === 'metadata.name' ? `${deployment.metadata.name}-0` : path === 'metadata.namespace' ? deployment.metadata.namespace! : `<${path}>`;
    } else throw new Error(`${v.name}: unsupported env source ${JSON.stringify(v)}`);
  }
  return env;
}

function secretData(secret: Obj): Record<string, string> {
  const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  return { ...data, ...(secret.stringData ?? {}) };
}

/** The entry point a container runs: the `.js` argument of its `node` command. */
export function entryOf(container: any): string | undefined {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
  return argv[0] === 'node' ? argv.find((a) => a.endsWith('.js')) : undefined;
}

/** The namespaced objects (no Namespace, no CRD), moved into namespace `ns`, as `kubectl apply -n` or `helm --namespace` would place them. */
export function intoNamespace(objects: Obj[], ns: string): Obj[] {
  return objects
    .filter((o) => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition')
    .map((o) => {
      const copy = structuredClone(o) as Obj & { subjects?: { namespace?: string }[] };
      if (copy.metadata.namespace) copy.metadata.namespace = ns;
      for (const s of copy.subjects ?? []) if (s.namespace) s.namespace = ns;
      return copy;
    });
}
