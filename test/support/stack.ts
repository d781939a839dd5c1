import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { startAuthService } from '../../services/auth/service';
import { startBookingService } from '../../services/booking/service';
import { startCatalogService } from '../../services/catalog/service';
import { apiClient, ensureAccount, signIn, type Api, type SignedIn } from '../../devstack/api-client';
import { DEMO_ADMIN, type ServiceName } from '../../contracts/platform';
import { serviceEnv, type DevSecrets } from '../../devstack/dev-env';
import { startGatewayService } from '../../services/gateway/service';
import { startPaymentService } from '../../services/payment/service';
import { loadConfig } from '../../services/shared/config';
import type { RunningServer } from '../../services/shared/http';
import { startWorkerService } from '../../services/worker/service';
import { startCheckinService } from '../../services/checkin/service';
import { startMailSinkService } from '../../services/mail-sink/service';
import { startNotificationService } from '../../services/notification/service';
import type { Infra } from '../../devstack/infra';
import { testInfra } from '../infra-env';

export const WORKFLOW_BUNDLE = resolve(__dirname, '../../dist/workflow-bundle.js');

export interface StackOptions {
  holdTtlSeconds?: number;
  /** Start the booking worker on the dev server (default); off when a test brings its own. */
  worker?: boolean;
  /** Gateway settings over the test defaults (rate limits out of the way, its own Redis key prefix). */
  gateway?: Record<string, string>;
  /** Settings of other services over the test defaults, by service. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Booking API replicas behind the gateway, and workers on the task queue (default one each). */
  replicas?: { booking?: number; workers?: number };
  /** Each service logs at debug to `<logDir>/<service>.log` (read them with serviceLog); otherwise nothing is logged. */
  logDir?: string;
  /** Stores of its own instead of the shared test servers (a test that stops them, or wants a database of its own). */
  infra?: Partial<Pick<Infra, 'databaseUrl' | 'redisUrl'>>;
}

export interface Stack {
  api: Api;
  /** Each service's own URL, for calls the gateway never routes (/internal). */
  urls: Record<ServiceName, string>;
  /** Every booking replica's URL (urls.booking is the first). */
  bookingReplicas: string[];
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  secrets: DevSecrets;
  admin: SignedIn;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** The SMTP sink every test email goes to: its HTTP URL and SMTP port. */
  mailSink: { url: string; smtpPort: number };
  /** Takes the SMTP sink down (mail delivery fails) and back up on the same ports. */
  stopMailSink(): Promise<void>;
  startMailSink(): Promise<void>;
  /** The environment the stack gives a service (to run its real entry point in a child process). */
  env(name: ServiceName): Record<string, string>;
  /** A fresh customer with a unique email. */
  newCustomer(prefix?: string): Promise<SignedIn>;
  newUserWithRole(role: string): Promise<SignedIn>;
  close(): Promise<void>;
}

/**
 * A port for a service whose URL others must know before it starts. It is
 * taken below the OS's ephemeral range (32768+), where no outgoing connection
 * can grab it between this check and the service's listen; each jest worker
 * draws from its own block.
 */
let nextPort = 20_000 + (Number(process.env.JEST_WORKER_ID ?? 0) % 12) * 1_000 + Math.floor(Math.random() * 500);
export async function freePort(): Promise<number> {
  for (;;) {
    const port = nextPort++;
    const server = createServer();
    const free = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, '0.0.0.0', () => done(true));
    });
    if (free) {
      await new Promise((done) => server.close(done));
      return port;
    }
  }
}

export const testSecrets = (): DevSecrets => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    jwtPrivateKey: privateKey,
    jwtPublicKey: publicKey,
    serviceToken: randomBytes(24).toString('base64url'),
    ticketSigningKey: randomBytes(24).toString('base64url'),
    ticketKeypairSecret: randomBytes(32).toString('base64url'),
    waitingRoomKey: randomBytes(24).toString('base64url'),
    // Shared by every test stack (test-only value): stacks share the payment
    // schema, so any stack's provider may deliver another stack's webhook.
    paymentWebhookSecret: 'test-only-payment-webhook-secret',
  };
};

/**
 * The whole system in this process, on free ports, against the real test
 * PostgreSQL and Temporal dev server; a task queue of its own keeps each
 * test file's workflows on its own worker.
 */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const infra = { ...testInfra(), ...o.infra };
  const secrets = testSecrets();
  const taskQueue = `booking-test-${randomUUID()}`;
  const ports: Partial<Record<ServiceName, number>> = {};
  let smtpPort = 0;
  /** The booking replicas the gateway takes in turn (set once they run). */
  let gatewayBookingUrls: string | undefined;
  let bookingReplicas: string[] = [];
  const env = (name: ServiceName) =>
    serviceEnv(name, infra, secrets, {
      ports: { ...ports, [name]: ports[name] ?? 0 },
      smtpPort,
      logLevel: o.logDir && name !== 'mail-sink' ? 'debug' : 'silent',
      holdTtlSeconds: o.holdTtlSeconds,
      extra: {
        ...o.env?.[name],
        TEMPORAL_TASK_QUEUE: taskQueue,
        // Stacks share the database: each notification service sends only its own stack's mail, each outbox relays its own messages.
        NOTIFY_QUEUE: taskQueue,
        OUTBOX_QUEUE: taskQueue,
        // The Temporal Runtime is one per jest process (test/quiet-temporal.ts), without the SDK's exporter.
        TEMPORAL_METRICS_PORT: '0',
        ...(o.logDir ? { LOG_FILE: join(o.logDir, `${name}.log`) } : {}),
        ...(name === 'gateway'
          ? {
              ...(gatewayBookingUrls ? { BOOKING_URL: gatewayBookingUrls } : {}),
              RATE_LIMIT_KEY_PREFIX: `rl-${taskQueue}`,
              RATE_LIMIT_IP_PER_MINUTE: '1000000',
              RATE_LIMIT_USER_PER_MINUTE: '1000000',
              RATE_LIMIT_LOGIN_PER_15_MINUTES: '1000',
              ...o.gateway,
            }
          : {}),
      },
    });
  const servers: RunningServer[] = [];
  const start = async (name: ServiceName, fn: () => Promise<RunningServer>) => {
    const s = await fn();
    ports[name] = s.port;
    servers.push(s);
    return s;
  };
  // Services that call each other at request time learn each other's ports
  // from `ports`: booking and payment need each other (webhooks), so their
  // ports are reserved before either starts.
  ports.booking = await freePort();
  ports.checkin = await freePort();
  let mailSink: (RunningServer & { smtpPort: number }) | undefined;
  const startMailSink = async () => {
    mailSink = await startMailSinkService(loadConfig('mail-sink', env('mail-sink')));
    ports['mail-sink'] = mailSink.port;
    smtpPort = mailSink.smtpPort;
  };
  const stopMailSink = async () => {
    await mailSink?.close();
    mailSink = undefined;
  };
  try {
    await startMailSink();
    await start('auth', () => startAuthService(loadConfig('auth', env('auth'))));
    await start('catalog', () => startCatalogService(loadConfig('catalog', env('catalog'))));
    await start('payment', () => startPaymentService(loadConfig('payment', env('payment'))));
    await start('notification', () => startNotificationService(loadConfig('notification', env('notification'))));
    await start('booking', () => startBookingService(loadConfig('booking', env('booking'))));
    // More booking replicas on ports of their own; the gateway takes them in turn, the others call the first.
    const bookingUrls = [`http://127.0.0.1:${ports.booking}`];
    for (let i = 1; i < (o.replicas?.booking ?? 1); i++) {
      const replica = await startBookingService(loadConfig('booking', { ...env('booking'), PORT: '0' }));
      servers.push(replica);
      bookingUrls.push(replica.url);
    }
    gatewayBookingUrls = bookingUrls.join(',');
    bookingReplicas = bookingUrls;
    await start('checkin', () => startCheckinService(loadConfig('checkin', env('checkin'))));
    await start('gateway', () => startGatewayService(loadConfig('gateway', env('gateway'))));
  } catch (err) {
    for (const s of servers.reverse()) await s.close();
    await stopMailSink();
    throw err;
  }
  const gateway = servers[servers.length - 1]!;

  /** Filled in as services start (the worker's on each start). */
  const urls = Object.fromEntries(Object.entries(ports).map(([n, p]) => [n, `http://127.0.0.1:${p}`])) as Record<ServiceName, string>;
  let workers: RunningServer[] = [];
  const startWorker = async () => {
    while (workers.length < (o.replicas?.workers ?? 1)) {
      workers.push(await startWorkerService(loadConfig('worker', env('worker')), { workflowBundlePath: WORKFLOW_BUNDLE }));
    }
    urls.worker = `http://127.0.0.1:${workers[0]!.port}`;
  };
  const stopWorker = async () => {
    for (const w of workers) await w.close();
    workers = [];
  };
  if (o.worker !== false) await startWorker();

  const connection = await Connection.connect({ address: infra.temporalAddress });
  const temporal = new Client({ connection, namespace: 'default' });
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 4 });
  // A test that stops its PostgreSQL must not crash on the idle clients that lose their connection.
  pool.on('error', () => undefined);
  const api = apiClient(gateway.url);
  const admin = await signIn(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  const account = (prefix: string) => ({
    email: `${prefix}-${randomUUID().slice(0, 8)}@test.example`,
    password: 'Correct-horse-42',
    name: prefix,
  });

  return {
    api,
    urls,
    bookingReplicas,
    pool,
    temporal,
    taskQueue,
    secrets,
    admin,
    startWorker,
    stopWorker,
    mailSink: { url: `http://127.0.0.1:${ports['mail-sink']}`, smtpPort },
    stopMailSink,
    startMailSink,
    env,
    newCustomer: (prefix = 'customer') => ensureAccount(api, account(prefix)),
    newUserWithRole: (role: string) => ensureAccount(api, account(role), role, admin.token),
    async close() {
      await stopWorker();
      for (const s of servers.reverse()) await s.close();
      await stopMailSink();
      await connection.close();
      await pool.end();
    },
  };
}
