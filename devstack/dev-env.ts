/**
 * Environment variables for every service run locally (`npm run up`, and
 * tests that start real services). The names follow services/shared/config.ts,
 * the source of truth for the service configuration contract.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  JWT_AUDIENCE,
  JWT_ISSUER,
  MAIL_SINK_SMTP_PORT,
  DEMO_ADMIN,
  SERVICE_PORTS,
  TEMPORAL_NAMESPACE,
  TEMPORAL_TASK_QUEUE,
  WORKER_SDK_METRICS_PORT,
  type ServiceName,
} from '../contracts/platform';
import type { Infra } from './infra';
import { DEV_PORT_OFFSET } from './infra/options';

/** A service's port in the local stack (the platform's, moved by DEV_PORT_OFFSET, or by another stack's offset). */
export const devPort = (name: ServiceName, offset = DEV_PORT_OFFSET) => SERVICE_PORTS[name] + offset;
const DEV_SMTP_PORT = MAIL_SINK_SMTP_PORT + DEV_PORT_OFFSET;

/**
 * Replicas of a service in the local stack (`npm run up -- --replicas worker=2`):
 * the first on the service's port, each next REPLICA_PORT_STEP further. Not
 * the next port: the services' ports are consecutive (booking 4003, payment
 * 4004), and the step keeps up to MAX_REPLICAS inside one DEV_PORT_OFFSET's
 * hundred. Others reach a service at its first replica's port.
 */
export const REPLICA_PORT_STEP = 10;
export const MAX_REPLICAS = 9;
export const replicaPort = (name: ServiceName, replica: number, offset = DEV_PORT_OFFSET) => devPort(name, offset) + (replica - 1) * REPLICA_PORT_STEP;
/** A replica's name in logs, pid files and the supervisor: worker, worker-2, worker-3... */
export const replicaName = (name: ServiceName, replica: number) => (replica === 1 ? name : `${name}-${replica}`);

/** Dependencies first: each service is started once those before it answer /readyz. */
export const START_ORDER: readonly ServiceName[] = ['auth', 'catalog', 'payment', 'mail-sink', 'notification', 'booking', 'checkin', 'worker', 'gateway'];

export interface DevSecrets {
  /** ES256 (P-256) private key, PKCS#8 PEM. */
  jwtPrivateKey: string;
  /** Its public key, SPKI PEM. */
  jwtPublicKey: string;
  serviceToken: string;
  /** HMAC master key of the earlier ticket codes (TKT2): the check-in service's, until their events have passed. */
  ticketSigningKey: string;
  /** What booking derives each event's Ed25519 ticket key pair from: booking's alone. */
  ticketKeypairSecret: string;
  /** HMAC key of waiting-room queue and admission tokens. */
  waitingRoomKey: string;
  /** HMAC key of the payment provider's webhooks. */
  paymentWebhookSecret: string;
}

/**
 * The local secrets, generated on first use and kept in `<dataDir>/keys`
 * (git-ignored; never committed): jwt-private.pem, jwt-public.pem, secrets.json.
 */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const dir = path.join(dataDir, 'keys');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privFile = path.join(dir, 'jwt-private.pem');
  const pubFile = path.join(dir, 'jwt-public.pem');
  const secretsFile = path.join(dir, 'secrets.json');

  if (!fs.existsSync(privFile) || !fs.existsSync(pubFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeSecretFile(privFile, privateKey);
    writeSecretFile(pubFile, publicKey);
  }

  let stored: Partial<Pick<DevSecrets, 'serviceToken' | 'ticketSigningKey' | 'ticketKeypairSecret' | 'waitingRoomKey' | 'paymentWebhookSecret'>> = {};
  if (fs.existsSync(secretsFile)) {
    stored = JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as typeof stored;
  }
  if (!stored.serviceToken || !stored.ticketSigningKey || !stored.ticketKeypairSecret || !stored.waitingRoomKey || !stored.paymentWebhookSecret) {
    stored = {
      serviceToken: stored.serviceToken || randomBytes(32).toString('base64url'),
      ticketSigningKey: stored.ticketSigningKey || randomBytes(32).toString('base64url'),
      ticketKeypairSecret: stored.ticketKeypairSecret || randomBytes(32).toString('base64url'),
      waitingRoomKey: stored.waitingRoomKey || randomBytes(32).toString('base64url'),
      paymentWebhookSecret: stored.paymentWebhookSecret || randomBytes(32).toString('base64url'),
    };
    writeSecretFile(secretsFile, `${JSON.stringify(stored, null, 2)}\n`);
  }

  return {
    jwtPrivateKey: fs.readFileSync(privFile, 'utf8'),
    jwtPublicKey: fs.readFileSync(pubFile, 'utf8'),
    serviceToken: stored.serviceToken!,
    ticketSigningKey: stored.ticketSigningKey!,
    ticketKeypairSecret: stored.ticketKeypairSecret!,
    waitingRoomKey: stored.waitingRoomKey!,
    paymentWebhookSecret: stored.paymentWebhookSecret!,
  };
}

function writeSecretFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export interface ServiceEnvOptions {
  /** Override service ports (e.g. tests running services on free ports). */
  ports?: Partial<Record<ServiceName, number>>;
  logLevel?: string;
  holdTtlSeconds?: number;
  /** Public URL of the gateway (OpenAPI servers, links); default http://localhost:<gateway port>. */
  publicUrl?: string;
  /** The mail sink's SMTP port (tests run it on a free port). */
  smtpPort?: number;
  /** Extra variables, applied last. */
  extra?: Record<string, string>;
}

/** The environment for one service (only its own variables; callers add PATH etc.). */
export function serviceEnv(
  name: ServiceName,
  infra: Infra,
  secrets: DevSecrets,
  opts: ServiceEnvOptions = {},
): Record<string, string> {
  const port = (n: ServiceName) => opts.ports?.[n] ?? devPort(n);
  const url = (n: ServiceName) => `http://127.0.0.1:${port(n)}`;

  const env: Record<string, string> = {
    PORT: String(port(name)),
    LOG_LEVEL: opts.logLevel ?? 'info',
    AUTH_JWKS_URL: `${url('auth')}/.well-known/jwks.json`,
    JWT_ISSUER,
    JWT_AUDIENCE,
    SERVICE_TOKEN: secrets.serviceToken,
  };
  // Not in services/shared/config.ts yet; for the Redis users of DESIGN.md
  // (seat-state view, waiting room, rate limits). Unknown keys are ignored.
  const redis = { REDIS_URL: infra.redisUrl };
  const temporal = {
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE,
  };

  switch (name) {
    case 'gateway':
      Object.assign(env, {
        AUTH_URL: url('auth'),
        CATALOG_URL: url('catalog'),
        BOOKING_URL: url('booking'),
        CHECKIN_URL: url('checkin'),
        ...redis,
        PUBLIC_URL: opts.publicUrl ?? `http://localhost:${port('gateway')}`,
        // The Swagger UI and a local front end may call the API from the browser.
        CORS_ORIGINS: `http://localhost:${port('gateway')},http://localhost:3000,http://localhost:5173`,
        // Everything local comes from one address, and the latency benchmark is one
        // user: the limits would throttle it (tests cover the limits themselves).
        RATE_LIMIT_IP_PER_MINUTE: '1000000',
        RATE_LIMIT_USER_PER_MINUTE: '1000000',
      });
      break;
    case 'auth':
      Object.assign(env, {
        DATABASE_URL: infra.databaseUrl,
        JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
        // Local-development default demo admin (see DEMO_ADMIN).
        BOOTSTRAP_ADMIN_EMAIL: DEMO_ADMIN.email,
        BOOTSTRAP_ADMIN_PASSWORD: DEMO_ADMIN.password,
      });
      break;
    case 'catalog':
      Object.assign(env, { DATABASE_URL: infra.databaseUrl, ...redis, BOOKING_URL: url('booking'), AUTH_URL: url('auth') });
      break;
    case 'payment':
      Object.assign(env, {
        DATABASE_URL: infra.databaseUrl,
        PAYMENT_WEBHOOK_URL: `${url('booking')}/webhooks/payments`,
        PAYMENT_WEBHOOK_SECRET: secrets.paymentWebhookSecret,
      });
      break;
    case 'notification':
      Object.assign(env, {
        DATABASE_URL: infra.databaseUrl,
        BOOKING_URL: url('booking'),
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(opts.smtpPort ?? DEV_SMTP_PORT),
      });
      break;
    case 'mail-sink':
      // No service token or keys: it only ever sees local test mail.
      for (const k of ['AUTH_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'SERVICE_TOKEN']) delete env[k];
      env.SMTP_PORT = String(opts.smtpPort ?? DEV_SMTP_PORT);
      break;
    case 'checkin':
      Object.assign(env, {
        DATABASE_URL: infra.databaseUrl,
        TICKET_SIGNING_KEY: secrets.ticketSigningKey,
        BOOKING_URL: url('booking'),
        CATALOG_URL: url('catalog'),
        AUTH_URL: url('auth'),
      });
      break;
    case 'booking':
      Object.assign(env, {
        DATABASE_URL: infra.databaseUrl,
        ...redis,
        ...temporal,
        TICKET_KEYPAIR_SECRET: secrets.ticketKeypairSecret,
        CATALOG_URL: url('catalog'),
        WAITING_ROOM_TOKEN_KEY: secrets.waitingRoomKey,
        PAYMENT_WEBHOOK_SECRET: secrets.paymentWebhookSecret,
        CHECKIN_URL: url('checkin'),
        AUTH_URL: url('auth'),
        HOLD_TTL_SECONDS: String(opts.holdTtlSeconds ?? 600),
      });
      break;
    case 'worker':
      Object.assign(env, {
        ...temporal,
        CATALOG_URL: url('catalog'),
        BOOKING_URL: url('booking'),
        PAYMENT_URL: url('payment'),
        NOTIFICATION_URL: url('notification'),
        AUTH_URL: url('auth'),
        // Loopback only, read by the worker's /metrics; moved with the other ports so two stacks never share it.
        TEMPORAL_METRICS_PORT: String(WORKER_SDK_METRICS_PORT + DEV_PORT_OFFSET),
      });
      break;
  }
  return { ...env, ...opts.extra };
}
