import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { inTransaction } from '../../services/shared/db';
import { createLogger } from '../../services/shared/logger';
import { openOutbox } from '../../services/shared/outbox';
import { testInfra } from '../infra-env';
import { eventually } from '../support/eventually';

type Topics = { note: { n: number } };

// The transactional outbox on the real PostgreSQL: a message exists exactly when its
// transaction committed, and is delivered at least once, across failures, restarts and relays.
describe('transactional outbox', () => {
  const schema = `outbox_test_${randomUUID().slice(0, 8)}`;
  const queue = randomUUID();
  const logger = createLogger('outbox-test', 'silent');
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ connectionString: testInfra().databaseUrl, max: 6 });
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  });
  const open = (deliver: (p: { n: number }) => Promise<unknown>) =>
    openOutbox<Topics>({ pool, schema, queue, logger, deliver: { note: deliver }, pollMs: 100 });
  const pending = async () => (await pool.query(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE queue = $1`, [queue])).rows[0].n as number;

  it('keeps a message only if its transaction commits', async () => {
    const outbox = await open(async () => undefined);
    await expect(
      inTransaction(pool, async (c) => {
        await outbox.enqueue(c, 'note', { n: 1 });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await pending()).toBe(0);
    const id = await inTransaction(pool, (c) => outbox.enqueue(c, 'note', { n: 2 }));
    expect(await pending()).toBe(1);
    expect(await outbox.deliverNow(id)).toBe(true);
    expect(await pending()).toBe(0);
  });

  it('retries a failed delivery with backoff, and a relay started later (a restart) delivers it', async () => {
    const failing = await open(async () => {
      throw new Error('receiver down');
    });
    const id = await failing.enqueue(pool, 'note', { n: 3 });
    expect(await failing.deliverNow(id)).toBe(false);
    const { rows } = await pool.query(`SELECT attempts, last_error, next_attempt_at > now() AS waiting FROM ${schema}.outbox WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ attempts: 1, last_error: 'receiver down', waiting: true });
    // Not due yet: asking again now delivers nothing.
    expect(await failing.deliverNow(id)).toBe(false);
    await failing.stop();

    const got: number[] = [];
    const restarted = await open(async (p) => void got.push(p.n));
    restarted.start();
    await eventually(async () => expect(got).toEqual([3]), 5_000);
    await restarted.stop();
    expect(await pending()).toBe(0);
  });

  it('delivers each message once when two relays drain the same queue', async () => {
    const got: number[] = [];
    const relays = await Promise.all([0, 1].map(() => open(async (p) => void got.push(p.n))));
    for (let n = 0; n < 120; n++) await relays[n % 2]!.enqueue(pool, 'note', { n });
    relays.forEach((r) => r.start());
    await eventually(async () => expect(got).toHaveLength(120), 10_000);
    await Promise.all(relays.map((r) => r.stop()));
    expect(new Set(got).size).toBe(120);
    expect(await pending()).toBe(0);
  });

  it("leaves another queue's messages alone (deployments sharing a database)", async () => {
    const other = await openOutbox<Topics>({ pool, schema, queue: `${queue}-other`, logger, deliver: { note: async () => undefined } });
    const theirs = await other.enqueue(pool, 'note', { n: 4 });
    const mine = await open(async () => undefined);
    expect(await mine.deliverNow(theirs)).toBe(false);
    expect(await other.deliverNow(theirs)).toBe(true);
  });
});
