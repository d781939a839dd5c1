import { z } from 'zod';
import { REQUEST_LOG_DEFAULTS } from './request-log';
import { JWT_AUDIENCE, JWT_ISSUER, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, WORKER_SDK_METRICS_PORT } from '../../contracts/platform';

/**
 * The one place that reads process.env. Each service asks for the slice it
 * needs; a missing or malformed variable stops start-up with a message that
 * names it, instead of failing on the first request.
 */

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();
/**
 * An upstream the gateway proxies to: one URL (a Kubernetes Service, which
 * balances itself), or several, comma-separated (replicas on one machine,
 * which the gateway takes in turn).
 */
const replicas = z
  .string()
  .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
  .pipe(z.array(url).min(1, 'name at least one URL'));
const pem = z
  .string()
  .min(1)
  // Env files and Kubernetes Secrets often carry PEMs with literal "\n".
  .transform((s) => s.replace(/\\n/g, '\n'));

/** Logs and traces (README, Observability). */
const observability = {
  /** 1 logs every successful request at info; N logs one in N (errors, refusals and slow requests always). */
  LOG_SAMPLE_EVERY: z.coerce.number().int().positive().default(REQUEST_LOG_DEFAULTS.sampleEvery),
  /** A successful request at least this slow is always logged at info. */
  LOG_SLOW_MS: z.coerce.number().int().positive().default(REQUEST_LOG_DEFAULTS.slowMs),
  /** A file to append the JSON log lines to instead of stdout (the test stack reads each service's lines). */
  LOG_FILE: z.string().min(1).optional(),
  /** OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318) of a trace collector; unset, tracing is off and costs nothing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
};
/**
 * On SIGTERM a service stops accepting and answers the requests in flight
 * for up to this long before it closes (services/shared/drain.ts); the
 * worker gives its running activities as long. Below the manifests'
 * terminationGracePeriodSeconds, with room to close pools (test/k8s).
 */
const shutdownGrace = { SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().nonnegative().default(20) };

const base = {
  PORT: port,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...observability,
  ...shutdownGrace,
  JWT_ISSUER: z.string().default(JWT_ISSUER),
  JWT_AUDIENCE: z.string().default(JWT_AUDIENCE),
  SERVICE_TOKEN: z.string().min(16),
};
// Every verifier learns auth's public keys from its JWKS; only auth holds the signing key.
const common = { ...base, AUTH_JWKS_URL: url };

const database = { DATABASE_URL: url, DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10) };
/**
 * Services that keep an outbox (services/shared/outbox.ts) relay only the
 * messages written under their own queue name: deployments sharing one
 * database (each test stack) never deliver each other's messages.
 */
const outbox = { OUTBOX_QUEUE: z.string().min(1).max(200).default('main') };
/** Where the audit log lives: services that append to it (through their outbox) call auth. */
const auditLog = { ...outbox, AUTH_URL: url };
const temporal = {
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default(TEMPORAL_NAMESPACE),
  TEMPORAL_TASK_QUEUE: z.string().default(TEMPORAL_TASK_QUEUE),
};

export const schemas = {
  gateway: z.object({
    ...common,
    AUTH_URL: replicas,
    CATALOG_URL: replicas,
    BOOKING_URL: replicas,
    CHECKIN_URL: replicas,
    PUBLIC_URL: url.default('http://localhost:8080'),
    REDIS_URL: url,
    /** Comma-separated origins allowed by CORS; empty allows none. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
    /** Requests per minute per client IP, and per signed-in user. */
    RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(600),
    RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().positive().default(300),
    /** Login attempts per 15 minutes per (client IP, email): the brake on password guessing. */
    RATE_LIMIT_LOGIN_PER_15_MINUTES: z.coerce.number().int().positive().default(10),
    /** Prefix of the gateway's Redis keys (lets several stacks share one Redis). */
    RATE_LIMIT_KEY_PREFIX: z.string().default('rl'),
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
    /** Express "trust proxy": hops whose X-Forwarded-For names the client (loopback locally, the ingress on Kubernetes). */
    TRUST_PROXY: z
      .string()
      .default('loopback')
      .transform((v): string | number | boolean => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /**
     * The built web app served at / (npm run build writes it to dist/web). Relative to the working
     * directory: the repository root locally and in tests, /app in the image.
     */
    WEB_APP_DIR: z.string().min(1).default('dist/web'),
  }),
  auth: z.object({
    ...base,
    ...database,
    JWT_PRIVATE_KEY: pem,
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(30 * 86_400),
    BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
    BOOTSTRAP_ADMIN_PASSWORD: z.string().min(8).optional(),
    /** The organizer account the EventSale operator signs in as (Kubernetes); created at start like the admin. */
    BOOTSTRAP_OPERATOR_EMAIL: z.string().email().optional(),
    BOOTSTRAP_OPERATOR_PASSWORD: z.string().min(8).optional(),
  }),
  catalog: z.object({
    ...common,
    ...database,
    ...auditLog,
    REDIS_URL: url,
    /** Asked to refund the bookings of a cancelled event. */
    BOOKING_URL: url,
  }),
  booking: z.object({
    ...common,
    ...database,
    ...temporal,
    ...auditLog,
    REDIS_URL: url,
    /**
     * The secret each event's Ed25519 ticket key pair is derived from
     * (services/booking/tickets/ticket-keys.ts): booking's alone, never given
     * to the check-in service, which verifies with public keys.
     */
    TICKET_KEYPAIR_SECRET: z.string().min(32),
    HOLD_TTL_SECONDS: z.coerce.number().int().positive().default(600),
    /** Temporal calls taking longer answer 503 instead of hanging the buyer. */
    TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
    /** Temporal calls in flight at once from one replica (the bulkhead); more wait their turn. */
    TEMPORAL_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(16),
    /** How long a call may wait for its turn before the buyer is told 503 with Retry-After. */
    TEMPORAL_QUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** A new hold waits at most this long for its turn, and is refused at once while turns come this late (the bulkhead). */
    TEMPORAL_SHED_AFTER_MS: z.coerce.number().int().positive().default(2_000),
    MAX_SEATS_PER_RESERVATION: z.coerce.number().int().positive().default(10),
    /** The catalog, asked who owns a session (waiting-room settings are the organizer's). */
    CATALOG_URL: url,
    /** HMAC key of waiting-room queue and admission tokens. */
    WAITING_ROOM_TOKEN_KEY: z.string().min(16),
    /** How long an admission lasts once the gate reaches a buyer (longer than a hold). */
    WAITING_ROOM_ADMISSION_TTL_SECONDS: z.coerce.number().int().positive().default(600),
    /** Open a session's waiting room by itself when booking is at capacity (new holds refused), instead of answering 503. */
    WAITING_ROOM_ON_OVERFLOW: z.stringbool().default(true),
    /** Verifies the payment provider's webhooks. */
    PAYMENT_WEBHOOK_SECRET: z.string().min(16),
    /** How long a confirm waits for a slow payment before answering 202 (the booking keeps waiting). */
    PAYMENT_WAIT_SECONDS: z.coerce.number().int().positive().default(10),
    /** Reports: check-in counts per session (user counts come from AUTH_URL). */
    CHECKIN_URL: url,
  }),
  payment: z.object({
    ...common,
    ...database,
    /** Where settled asynchronous payments are announced (the booking service's webhook). */
    PAYMENT_WEBHOOK_URL: url,
    /** HMAC key that signs webhooks; the booking service verifies with the same key. */
    PAYMENT_WEBHOOK_SECRET: z.string().min(16),
    /** How long tok_slow takes to settle. */
    PAYMENT_SLOW_MS: z.coerce.number().int().nonnegative().default(3_000),
    /** How many times in a row tok_error fails (per idempotency key) before it succeeds. */
    PAYMENT_ERROR_ATTEMPTS: z.coerce.number().int().nonnegative().default(2),
  }),
  notification: z.object({
    ...base,
    ...database,
    /** Renders the PDF tickets attached to a confirmation (booking owns tickets). */
    BOOKING_URL: url,
    SMTP_HOST: z.string().min(1),
    SMTP_PORT: port.default(1025),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    SMTP_SECURE: z.stringbool().default(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    MAIL_FROM: z.string().default('Ticketing <tickets@ticketing.local>'),
    /** Delivery attempts per message before it is marked failed. */
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
    /** First retry delay; each further retry waits twice as long. */
    NOTIFY_RETRY_BASE_MS: z.coerce.number().int().positive().default(5_000),
    NOTIFY_POLL_MS: z.coerce.number().int().positive().default(1_000),
    /**
     * Dispatchers send only the messages accepted under their own queue name:
     * deployments sharing one database (each test stack) never send each other's mail.
     */
    NOTIFY_QUEUE: z.string().min(1).max(200).default('mail'),
  }),
  'mail-sink': z.object({
    PORT: port,
    LOG_LEVEL: base.LOG_LEVEL,
    ...shutdownGrace,
    SMTP_PORT: port.default(1025),
    /** The oldest messages are dropped beyond this many. */
    MAIL_SINK_MAX_MESSAGES: z.coerce.number().int().positive().default(1_000),
  }),
  checkin: z.object({
    ...common,
    ...database,
    ...auditLog,
    /**
     * The master key of the HMAC codes (TKT2) issued before Ed25519 codes:
     * verified online until their events have passed, then retired (README, "The door").
     */
    TICKET_SIGNING_KEY: z.string().min(16),
    BOOKING_URL: url,
    CATALOG_URL: url,
  }),
  // The operator verifies no tokens and calls no /internal route: it acts as an organizer account.
  operator: z.object({
    PORT: port,
    LOG_LEVEL: base.LOG_LEVEL,
    ...shutdownGrace,
    CATALOG_URL: url,
    AUTH_URL: url,
    OPERATOR_EMAIL: z.string().email(),
    OPERATOR_PASSWORD: z.string().min(8),
    /** Watch EventSales in this namespace only; empty watches every namespace (needs cluster-wide RBAC). */
    OPERATOR_NAMESPACE: z.string().default(''),
    /** Where the leader-election Lease lives; defaults to OPERATOR_NAMESPACE, else "default". */
    LEADER_ELECTION_NAMESPACE: z.string().optional(),
    LEADER_ELECTION_LEASE_NAME: z.string().default('eventsale-operator'),
    /** Defaults to the pod name (HOSTNAME on Kubernetes). */
    LEADER_ELECTION_IDENTITY: z.string().optional(),
    LEADER_ELECTION_LEASE_SECONDS: z.coerce.number().int().positive().default(15),
    LEADER_ELECTION_RENEW_DEADLINE_SECONDS: z.coerce.number().int().positive().default(10),
    LEADER_ELECTION_RETRY_SECONDS: z.coerce.number().int().positive().default(2),
    HOSTNAME: z.string().optional(),
    /** Every EventSale is reconciled at least this often, watch events or not. */
    RESYNC_SECONDS: z.coerce.number().int().positive().default(300),
    /**
     * The API server ends each watch after this long and the operator resumes it from the
     * last resourceVersion seen (test/k8s shortens it, so a resumed watch meets an expired
     * resourceVersion within seconds).
     */
    KUBE_WATCH_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(25),
  }),
  worker: z.object({
    ...common,
    ...temporal,
    CATALOG_URL: url,
    BOOKING_URL: url,
    PAYMENT_URL: url,
    NOTIFICATION_URL: url,
    /** Recipients' addresses for notifications. */
    AUTH_URL: url,
    /**
     * Booking workflows kept in this worker's memory between their tasks. One
     * evicted replays its whole history on its next task (the confirm, the
     * cancel, the hold's end), so it should cover the bookings open at once
     * per replica: a flash sale holds thousands for 10 minutes. The SDK's
     * default follows the heap size: 114 in the worker's 768 MiB container
     * (Node's heap there defaults to 396 MiB). Each cached booking costs
     * about 174 KiB (bench/worker-cache-memory.ts), so 2,000 take ~340 MiB,
     * inside the worker's --max-old-space-size (charts/units.ts).
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().default(2_000),
    /**
     * Loopback port of the Temporal SDK's Prometheus exporter (task latencies,
     * slots, sticky cache); the worker's /metrics serves its lines after its
     * own, so a pod has one port to scrape. 0: not started (tests that share
     * one Runtime per process).
     */
    TEMPORAL_METRICS_PORT: port.default(WORKER_SDK_METRICS_PORT),
  }),
} as const;

export type ServiceName = keyof typeof schemas;
export type Config<S extends ServiceName> = z.infer<(typeof schemas)[S]>;

/** Whether (and where) to send traces, read before anything else loads (instrument.ts). */
export function tracingEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return z.object({ OTEL_EXPORTER_OTLP_ENDPOINT: observability.OTEL_EXPORTER_OTLP_ENDPOINT }).parse(env).OTEL_EXPORTER_OTLP_ENDPOINT;
}

export function loadConfig<S extends ServiceName>(
  service: S,
  env: NodeJS.ProcessEnv = process.env,
): Config<S> {
  const parsed = schemas[service].safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration for ${service}:\n${problems}`);
  }
  return parsed.data as Config<S>;
}
