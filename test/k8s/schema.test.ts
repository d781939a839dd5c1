/**
 * Every synthesized object, in both environments, validates against the
 * Kubernetes 1.27 OpenAPI schema (kubernetes-models 4.3.1 is generated from
 * v1.27), and EventSales validate against the CRD's own schema. A snapshot
 * guards the manifests: a change to them must be a reviewed change.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { objectsOf, find, type Obj } from './manifests';

/*
 * kubernetes-models' own validator ignores unknown fields, which a 1.27 API
 * server refuses (or drops) under strict field validation. So the 1.27 schemas
 * it registers are recorded here, and a second validator rejects any property
 * they do not declare. Patched before any model is loaded: models register
 * their schemas lazily through this module's exports.
 */
const k8sValidate = require('@kubernetes-models/validate') as {
  register(id: string, schema: object): void;
  validate(id: string, data: unknown): void;
};
const registered = new Map<string, object>();
let lastSchemaId = '';
{
  const { register, validate } = k8sValidate;
  k8sValidate.register = (id, schema) => {
    registered.set(id, schema);
    register(id, schema);
  };
  k8sValidate.validate = (id, data) => {
    lastSchemaId = id;
    validate(id, data);
  };
}

/** CRD bodies are free-form JSON Schema, which the generated models describe only in part. */
const OPEN_SCHEMAS = new Set(['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps']);

function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, closed(ps)])) : closed(v);
  }
  if (s.properties && s.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

let strictAjv: Ajv | undefined;
function unknownFields(id: string, o: Obj): string[] {
  if (!strictAjv) {
    strictAjv = new Ajv({ strict: false, allErrors: true });
    addFormats(strictAjv);
    for (const f of ['byte', 'quantity', 'string', 'int-or-string']) strictAjv.addFormat(f, true);
  }
  for (const [sid, schema] of registered) {
    if (!strictAjv.getSchema(sid)) strictAjv.addSchema((OPEN_SCHEMAS.has(sid) ? schema : closed(schema)) as object, sid);
  }
  if (strictAjv.validate(id, o)) return [];
  return (strictAjv.errors ?? []).filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath}/${String(e.params.additionalProperty)}`);
}

const ENVIRONMENTS = ['kind', 'production'] as const;

/** The kubernetes-models class for an object's apiVersion and kind (undefined: not a 1.27 built-in type). */
function modelOf(o: Obj): (new (data: unknown) => { validate(): void }) | undefined {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let mod: Record<string, unknown>;
  try {
    mod = require(modulePath);
  } catch {
    return undefined;
  }
  return mod[o.kind] as (new (data: unknown) => { validate(): void }) | undefined;
}

/**
 * Beta versions kubernetes-models still ships but a 1.27 API server no longer
 * serves (removed in 1.22–1.27 per the Kubernetes deprecation guide).
 */
const NOT_SERVED_BY_1_27 = new Set([
  'extensions/v1beta1', 'networking.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1beta1', 'apiextensions.k8s.io/v1beta1',
  'admissionregistration.k8s.io/v1beta1', 'certificates.k8s.io/v1beta1', 'coordination.k8s.io/v1beta1', 'scheduling.k8s.io/v1beta1',
  'policy/v1beta1', 'batch/v1beta1', 'discovery.k8s.io/v1beta1', 'events.k8s.io/v1beta1', 'node.k8s.io/v1beta1',
  'autoscaling/v2beta1', 'autoscaling/v2beta2', 'flowcontrol.apiserver.k8s.io/v1beta1', 'storage.k8s.io/v1beta1',
]);

function validationError(o: Obj): string | undefined {
  if (NOT_SERVED_BY_1_27.has(o.apiVersion)) return `${o.apiVersion} ${o.kind} is not a Kubernetes 1.27 type`;
  const Model = modelOf(o);
  if (!Model) return `${o.apiVersion} ${o.kind} is not a Kubernetes 1.27 type`;
  try {
    new Model(o).validate();
  } catch (err) {
    return (err as Error).message;
  }
  const unknown = unknownFields(lastSchemaId, o);
  return unknown.length ? `fields unknown to the 1.27 schema: ${[...new Set(unknown)].join(', ')}` : undefined;
}

describe.each(ENVIRONMENTS)('%s manifests', (env) => {
  const objects = objectsOf(env);

  it('validate against the Kubernetes 1.27 schema, object by object', () => {
    const failures = objects.flatMap((o) => {
      const error = validationError(o);
      return error ? [`${o.kind}/${o.metadata.name}: ${error}`] : [];
    });
    expect(failures).toEqual([]);
    expect(objects.length).toBeGreaterThan(50);
  });

  it('name every object uniquely per kind and place namespaced ones in the environment namespace', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const clusterScoped = new Set(['Namespace', 'CustomResourceDefinition']);
    for (const o of objects) {
      if (clusterScoped.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ticketing`);
    }
  });

  it('match the reviewed snapshot', () => {
    expect(YAML.stringify(objects, { sortMapEntries: true })).toMatchSnapshot();
  });
});

describe('the validator', () => {
  // Guards the test itself: a validator that accepts everything would pass the checks above.
  it('rejects a port that is not a number, a misspelt field and a kind 1.27 does not know', () => {
    const deployment = structuredClone(find(objectsOf('kind'), 'Deployment', 'gateway'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(validationError(deployment)).toMatch(/containerPort/);
    const misspelt = structuredClone(find(objectsOf('kind'), 'Deployment', 'gateway'));
    misspelt.spec.template.spec.containers[0].readinesProbe = misspelt.spec.template.spec.containers[0].readinessProbe;
    expect(validationError(misspelt)).toMatch(/unknown to the 1.27 schema: \/spec\/template\/spec\/containers\/0\/readinesProbe/);
    expect(validationError({ apiVersion: 'autoscaling/v2beta1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' } })).toMatch(/not a Kubernetes 1.27 type/);
  });
});

describe('EventSale objects', () => {
  const crd = find(objectsOf('kind'), 'CustomResourceDefinition', 'eventsales.ticketing.example.com');
  const version = crd.spec.versions[0];
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(version.schema.openAPIV3Schema);
  const sample = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../charts/examples/eventsale.yaml'), 'utf8')) as Obj;

  it('the example validates against the CRD schema and names its group, version and kind', () => {
    expect(sample.apiVersion).toBe(`${crd.spec.group}/${version.name}`);
    expect(sample.kind).toBe(crd.spec.names.kind);
    const ok = validate(sample);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('a spec the CRD forbids is refused (bad currency, no sessions)', () => {
    const bad = structuredClone(sample);
    bad.spec.sessions[0].tiers[0].price.currency = 'euro';
    expect(validate(bad)).toBe(false);
    const none = structuredClone(sample);
    none.spec.sessions = [];
    expect(validate(none)).toBe(false);
  });

  it('has a status subresource, so the operator writes status apart from spec', () => {
    expect(version.subresources).toEqual({ status: {} });
    expect(version.served && version.storage).toBe(true);
  });
});
