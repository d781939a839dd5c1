/**
 * Each unit's environment, derived from its zod schema in
 * services/shared/config.ts: every key the schema declares gets a value from
 * a rule below, and a required key without a rule stops synth. The same rules
 * name the unit's dependencies (CATALOG_URL → catalog, DATABASE_URL →
 * PostgreSQL...), which the NetworkPolicies turn into the only allowed routes.
 */
import { createHash, createECDH, createPrivateKey } from 'node:crypto';
import type { z } from 'zod';
import { schemas } from '../services/shared/config';
import { DEMO_ADMIN, JWT_AUDIENCE, JWT_ISSUER, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE } from '../contracts/platform';
import { publicUrl, type Environment } from './environment';
import { APP_UNITS, INFRA, appUnit, type AppUnit, type AppUnitName } from './units';

/** The Secret every unit reads its secret keys from (kind: created with development values; production: must exist). */
export const APP_SECRET = 'ticketing-secrets';
/** PostgreSQL's own credentials (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB). */
export const POSTGRES_SECRET = 'ticketing-postgres';
/** Production only: the SMTP relay (keys SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD). */
export const SMTP_SECRET = 'ticketing-smtp';

export type EnvSource =
  | { from: 'config'; value: string }
  | { from: 'secret'; secret: string; key: string; optional?: boolean }
  | { from: 'field'; fieldPath: string };

export type Dependency = AppUnitName | 'postgres' | 'redis' | 'temporal' | 'smtp-relay';

export interface UnitEnv {
  env: Record<string, EnvSource>;
  dependsOn: Set<Dependency>;
}

type Shape = Record<string, z.ZodType>;

/** The schema's keys, or undefined when services/shared/config.ts has no schema for the unit yet. */
export function schemaShape(unit: AppUnit): Shape | undefined {
  const schema = (schemas as unknown as Record<string, { shape: Shape } | undefined>)[unit.configKey];
  return schema?.shape;
}

/** A key is required when the schema refuses its absence (no default, not optional). */
export function isRequired(field: z.ZodType): boolean {
  return !field.safeParse(undefined).success;
}

/** Keys holding credentials or signing keys: never in a ConfigMap. */
const SECRET_KEY = /(SECRET|TOKEN|_KEY|PASSWORD)$/;

function urlOf(name: AppUnitName, path = ''): string {
  return `http://${name}:${appUnit(name).port}${path}`;
}

/** `CATALOG_URL` → catalog, `MAIL_SINK_URL` → mail-sink; undefined when no unit has that name. */
function unitOfUrlKey(key: string): AppUnitName | undefined {
  const m = /^([A-Z0-9_]+)_URL$/.exec(key);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase().replace(/_/g, '-');
  return APP_UNITS.find((u) => u.name === name)?.name;
}

export function unitEnv(unit: AppUnit, env: Environment): UnitEnv {
  const shape = schemaShape(unit) ?? { PORT: undefined as unknown as z.ZodType };
  const out: UnitEnv = { env: {}, dependsOn: new Set() };
  const config = (value: string): EnvSource => ({ from: 'config', value });
  const secret = (key: string, name = APP_SECRET, optional = false): EnvSource => ({ from: 'secret', secret: name, key, ...(optional ? { optional } : {}) });

  for (const key of Object.keys(shape).sort()) {
    const field = shape[key];
    const required = field ? isRequired(field) : true;
    const source = ruleFor(key);
    if (source) out.env[key] = source;
    else if (required) {
      throw new Error(`charts: ${unit.name} requires ${key} (services/shared/config.ts) and no rule in charts/service-env.ts gives it a value`);
    }
  }
  return out;

  function ruleFor(key: string): EnvSource | undefined {
    const dep = (d: Dependency) => out.dependsOn.add(d);
    switch (key) {
      case 'PORT':
        return config(String(unit.port));
      case 'LOG_LEVEL':
        return config('info');
      case 'JWT_ISSUER':
        return config(JWT_ISSUER);
      case 'JWT_AUDIENCE':
        return config(JWT_AUDIENCE);
      case 'AUTH_JWKS_URL':
        dep('auth');
        return config(urlOf('auth', '/.well-known/jwks.json'));
      case 'PAYMENT_WEBHOOK_URL':
        dep('booking');
        return config(urlOf('booking', '/webhooks/payments'));
      case 'PUBLIC_URL':
        return config(publicUrl(env));
      case 'CORS_ORIGINS':
        return config(publicUrl(env));
      case 'TRUST_PROXY':
        // NetworkPolicy lets only the ingress controller reach the gateway, so
        // exactly one hop (the ingress) sits between the client and Express.
        return config('1');
      case 'DATABASE_URL':
        dep('postgres');
        return secret('DATABASE_URL');
      case 'REDIS_URL':
        dep('redis');
        return config(`redis://${INFRA.redis.name}:${INFRA.redis.port}`);
      case 'TEMPORAL_ADDRESS':
        dep('temporal');
        return config(`${INFRA.temporal.name}:${INFRA.temporal.port}`);
      case 'TEMPORAL_NAMESPACE':
        return config(TEMPORAL_NAMESPACE);
      case 'TEMPORAL_TASK_QUEUE':
        return config(TEMPORAL_TASK_QUEUE);
      case 'SMTP_HOST':
        if (unit.name === 'mail-sink') return undefined;
        if (env.mailSink) {
          dep('mail-sink');
          return config('mail-sink');
        }
        dep('smtp-relay');
        return secret('SMTP_HOST', SMTP_SECRET);
      case 'SMTP_PORT':
        if (unit.name === 'mail-sink') return config(String(unit.extraPorts?.find((p) => p.name === 'smtp')?.port ?? 1025));
        return env.mailSink ? config(String(appUnit('mail-sink').extraPorts?.[0]?.port ?? 1025)) : secret('SMTP_PORT', SMTP_SECRET);
      case 'SMTP_USER':
        return env.mailSink ? undefined : secret('SMTP_USER', SMTP_SECRET, true);
      case 'SMTP_PASSWORD':
        return env.mailSink ? undefined : secret('SMTP_PASSWORD', SMTP_SECRET, true);
      case 'BOOTSTRAP_ADMIN_EMAIL':
        // Local-development demo admin only; production names its first admin by hand (README).
        return env.createSecrets ? config(DEMO_ADMIN.email) : undefined;
      case 'BOOTSTRAP_ADMIN_PASSWORD':
        return env.createSecrets ? secret('BOOTSTRAP_ADMIN_PASSWORD') : undefined;
      case 'BOOTSTRAP_OPERATOR_EMAIL':
        // The operator's sign-in account, created by auth from the same Secret keys the operator reads (kind only; production creates it by hand).
        return env.createSecrets ? secret('OPERATOR_EMAIL') : undefined;
      case 'BOOTSTRAP_OPERATOR_PASSWORD':
        return env.createSecrets ? secret('OPERATOR_PASSWORD') : undefined;
      case 'LEADER_ELECTION_IDENTITY':
        return { from: 'field', fieldPath: 'metadata.name' };
      case 'OPERATOR_NAMESPACE':
      case 'LEADER_ELECTION_NAMESPACE':
        // Its own namespace: namespaced RBAC (a Role) is enough, and the Lease sits beside it.
        return { from: 'field', fieldPath: 'metadata.namespace' };
      case 'OPERATOR_EMAIL':
        // The organizer account the operator signs in as: a credential, so beside its password.
        return secret('OPERATOR_EMAIL');
    }
    const target = unitOfUrlKey(key);
    if (target) {
      dep(target);
      return config(urlOf(target));
    }
    if (SECRET_KEY.test(key)) return secret(key);
    return undefined;
  }
}

/**
 * Local-development values of the kind Secrets: derived from a fixed label, so
 * synth is deterministic and nothing random or real is committed. Public by
 * construction — never use them anywhere but a local kind cluster.
 */
export function developmentSecretValue(key: string): string {
  if (key === 'JWT_PRIVATE_KEY') return developmentJwtKey();
  if (key === 'BOOTSTRAP_ADMIN_PASSWORD') return DEMO_ADMIN.password;
  if (key === 'OPERATOR_EMAIL') return 'operator@demo.test';
  if (key === 'DATABASE_URL') {
    const pg = developmentPostgres();
    return `postgresql://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@${INFRA.postgres.name}:${INFRA.postgres.port}/${pg.POSTGRES_DB}`;
  }
  return seeded(key).toString('base64url');
}

export function developmentPostgres(): Record<'POSTGRES_USER' | 'POSTGRES_PASSWORD' | 'POSTGRES_DB', string> {
  return { POSTGRES_USER: 'ticketing', POSTGRES_PASSWORD: seeded('POSTGRES_PASSWORD').toString('hex').slice(0, 32), POSTGRES_DB: 'ticketing' };
}

function seeded(label: string): Buffer {
  return createHash('sha256').update(`ticketing-local-development-only/${label}`).digest();
}

/** An ES256 (P-256) key whose private scalar is a hash of a fixed label (PKCS#8 PEM). */
function developmentJwtKey(): string {
  const d = seeded('JWT_PRIVATE_KEY');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey(); // 0x04 || X || Y
  const jwk = { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') };
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Every Secret key the units of an environment read, per Secret (what production must provide). */
export function secretKeysByName(env: Environment): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const unit of deployedUnits(env)) {
    for (const source of Object.values(unitEnv(unit, env).env)) {
      if (source.from !== 'secret') continue;
      if (!out.has(source.secret)) out.set(source.secret, new Set());
      out.get(source.secret)!.add(source.key);
    }
  }
  return out;
}

export function deployedUnits(env: Environment): AppUnit[] {
  return APP_UNITS.filter((u) => !u.devOnly || env.mailSink);
}
