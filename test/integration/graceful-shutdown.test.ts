import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { serviceEntry } from '../../contracts/platform';
import { serviceEnv } from '../../devstack/dev-env';
import { SERVICE_TOKEN_HEADER } from '../../services/shared/auth';
import { eventually } from '../support/eventually';
import { freePort, testSecrets } from '../support/stack';
import { testInfra } from '../infra-env';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A real service process (the payment provider, from dist/) stopped with
 * SIGTERM while a request is in flight. The request is made slow by the
 * database itself: this test's own uncommitted charge with the same
 * idempotency key makes the service's INSERT wait for it.
 */
describe('graceful shutdown on SIGTERM', () => {
  const secrets = testSecrets();
  /** `db` holds the blocking transaction; `observer` watches (inside a transaction, pg_stat_activity is a snapshot). */
  let db: Client;
  let observer: Client;
  beforeAll(async () => {
    db = new Client({ connectionString: testInfra().databaseUrl });
    observer = new Client({ connectionString: testInfra().databaseUrl });
    await Promise.all([db.connect(), observer.connect()]);
  });
  afterAll(() => Promise.all([db.end(), observer.end()]));

  async function startPayment(graceSeconds: number) {
    const port = await freePort();
    const env = serviceEnv('payment', testInfra(), secrets, { ports: { payment: port }, logLevel: 'warn', extra: { SHUTDOWN_GRACE_SECONDS: String(graceSeconds) } });
    const child = spawn(process.execPath, [serviceEntry('payment')], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`payment exited: ${stderr}`);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    }, 30_000, 200);
    return { child, port, url, exited };
  }

  /** Holds a charge with this key uncommitted: the service's INSERT of the same key waits until rollback. */
  async function blockKey(key: string) {
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO payment.charges (idempotency_key, request_hash, reference, amount, currency, status, settled_at) VALUES ($1, 'x', 'x', 1, 'EUR', 'succeeded', now())`,
      [key],
    );
  }
  const waitingInsert = async () => {
    const { rows } = await observer.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO payment.charges%'`);
    expect(rows[0].n).toBeGreaterThan(0);
  };
  const charge = (url: string, key: string) =>
    fetch(`${url}/internal/payment-intents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SERVICE_TOKEN_HEADER]: secrets.serviceToken },
      body: JSON.stringify({ idempotencyKey: key, reference: randomUUID(), amount: { amount: '10.00', currency: 'EUR' }, token: 'tok_visa' }),
    });
  const refused = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
    });
  const kill = (c: ChildProcess) => c.exitCode === null && c.kill('SIGKILL');

  it('answers the request in flight, turns /readyz to 503 at once, refuses new connections and exits 0', async () => {
    const p = await startPayment(15);
    const key = `drain-${randomUUID()}`;
    try {
      await blockKey(key);
      const inFlight = charge(p.url, key);
      await eventually(waitingInsert, 10_000, 50);

      // A keep-alive connection that has been used and sits idle when the signal comes.
      const idle = net.connect(p.port, '127.0.0.1');
      let idleAnswers = '';
      idle.on('data', (b: Buffer) => (idleAnswers += b.toString()));
      idle.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await eventually(async () => expect(idleAnswers).toContain('"status":"ok"'), 5_000, 20);
      expect(idleAnswers).toMatch(/connection: keep-alive/i);

      // A request that began arriving before the signal (its headers not finished yet): answered once they are.
      const late = net.connect(p.port, '127.0.0.1');
      await new Promise((r) => late.once('connect', r));
      late.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      await new Promise((r) => setTimeout(r, 100));
      let answer = '';
      late.on('data', (b: Buffer) => (answer += b.toString()));

      p.child.kill('SIGTERM');
      await eventually(async () => expect(await refused(p.port)).toBe(true), 5_000, 50);
      late.end('\r\n');
      await eventually(async () => expect(answer).toMatch(/^HTTP\/1\.1 503/), 5_000, 50);
      expect(answer).toContain('NOT_READY');
      // A request on the idle connection is answered too (not cut with its connection), and that connection closed after it.
      idleAnswers = '';
      idle.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await eventually(async () => expect(idleAnswers).toContain('"status":"ok"'), 5_000, 20);
      expect(idleAnswers).toMatch(/connection: close/i);
      expect(p.child.exitCode).toBeNull(); // still answering the request in flight

      await db.query('ROLLBACK');
      const res = await inFlight;
      expect(res.status).toBe(201);
      expect(res.headers.get('connection')).toBe('close');
      expect(await p.exited).toMatchObject({ code: 0, signal: null });
      const { rowCount } = await db.query(`SELECT 1 FROM payment.charges WHERE idempotency_key = $1 AND status = 'succeeded'`, [key]);
      expect(rowCount).toBe(1);
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      kill(p.child);
    }
  }, 60_000);

  it('cuts what is still in flight after SHUTDOWN_GRACE_SECONDS, and exits 0 then', async () => {
    const p = await startPayment(1);
    const key = `drain-${randomUUID()}`;
    try {
      await blockKey(key);
      const inFlight = charge(p.url, key).then(
        (r) => r.status,
        (e: Error) => e.name,
      );
      await eventually(waitingInsert, 10_000, 50);
      const signalled = Date.now();
      p.child.kill('SIGTERM');
      expect(await inFlight).toBe('TypeError'); // fetch failed: the connection was cut
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(900);
      // Its query still waits in the database; once it ends, the pool closes and the process exits.
      await db.query('ROLLBACK');
      const exit = await p.exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      kill(p.child);
    }
  }, 60_000);
});
