import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { startAuthService } from '../../services/auth/service';
import { startBookingService } from '../../services/booking/service';
import { startCatalogService } from '../../services/catalog/service';
import { apiClient, ensureAccount, signIn, type Api, type SignedIn } from '../../services/devstack/api-client';
import { DEMO_ADMIN, serviceEnv, type DevSecrets, type DevServiceName } from '../../services/devstack/dev-env';
import { startGatewayService } from '../../services/gateway/service';
import { startPaymentService } from '../../services/payment/service';
import { loadConfig } from '../../services/shared/config';
import type { RunningServer } from '../../services/shared/http';
import { startWorkerService } from '../../services/worker/service';
import { testInfra } from '../infra-env';

export const WORKFLOW_BUNDLE = resolve(__dirname, '../../dist/workflow-bundle.js');

export interface StackOptions {
  holdTtlSeconds?: number;
  /** Start the booking worker on the dev server (default); off when a test brings its own. */
  worker?: boolean;
  /** Gateway settings over the test defaults (rate limits out of the way, its own Redis key prefix). */
  gateway?: Record<string, string>;
}

export interface Stack {
  api: Api;
  /** Each service's own URL, for calls the gateway never routes (/internal). */
  urls: Record<DevServiceName, string>;
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  secrets: DevSecrets;
  admin: SignedIn;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  /** A fresh customer with a unique email. */
  newCustomer(prefix?: string): Promise<SignedIn>;
  newUserWithRole(role: string): Promise<SignedIn>;
  close(): Promise<void>;
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
    waitingRoomKey: randomBytes(24).toString('base64url'),
  };
};

/**
 * The whole system in this process, on free ports, against the real test
 * PostgreSQL and Temporal dev server; a task queue of its own keeps each
 * test file's workflows on its own worker.
 */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const infra = testInfra();
  const secrets = testSecrets();
  const taskQueue = `booking-test-${randomUUID()}`;
  const ports: Partial<Record<DevServiceName, number>> = {};
  const env = (name: DevServiceName) =>
    serviceEnv(name, infra, secrets, {
      ports: { ...ports, [name]: 0 },
      logLevel: 'silent',
      holdTtlSeconds: o.holdTtlSeconds,
      extra: {
        TEMPORAL_TASK_QUEUE: taskQueue,
        ...(name === 'gateway'
          ? {
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
  const start = async (name: DevServiceName, fn: () => Promise<RunningServer>) => {
    const s = await fn();
    ports[name] = s.port;
    servers.push(s);
    return s;
  };
  try {
    await start('auth', () => startAuthService(loadConfig('auth', env('auth'))));
    await start('catalog', () => startCatalogService(loadConfig('catalog', env('catalog'))));
    await start('payment', () => startPaymentService(loadConfig('payment', env('payment'))));
    await start('booking', () => startBookingService(loadConfig('booking', env('booking'))));
    await start('gateway', () => startGatewayService(loadConfig('gateway', env('gateway'))));
  } catch (err) {
    for (const s of servers.reverse()) await s.close();
    throw err;
  }
  const gateway = servers[servers.length - 1]!;

  let worker: RunningServer | undefined;
  const startWorker = async () => {
    worker ??= await startWorkerService(loadConfig('worker', env('worker')), { workflowBundlePath: WORKFLOW_BUNDLE });
  };
  const stopWorker = async () => {
    await worker?.close();
    worker = undefined;
  };
  if (o.worker !== false) await startWorker();

  const connection = await Connection.connect({ address: infra.temporalAddress });
  const temporal = new Client({ connection, namespace: 'default' });
  const pool = new Pool({ connectionString: infra.databaseUrl, max: 4 });
  const api = apiClient(gateway.url);
  const admin = await signIn(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  const account = (prefix: string) => ({
    email: `${prefix}-${randomUUID().slice(0, 8)}@test.example`,
    password: 'Correct-horse-42',
    name: prefix,
  });

  const urls = Object.fromEntries(Object.entries(ports).map(([n, p]) => [n, `http://127.0.0.1:${p}`])) as Record<DevServiceName, string>;
  return {
    api,
    urls,
    pool,
    temporal,
    taskQueue,
    secrets,
    admin,
    startWorker,
    stopWorker,
    newCustomer: (prefix = 'customer') => ensureAccount(api, account(prefix)),
    newUserWithRole: (role: string) => ensureAccount(api, account(role), role, admin.token),
    async close() {
      await stopWorker();
      for (const s of servers.reverse()) await s.close();
      await connection.close();
      await pool.end();
    },
  };
}
