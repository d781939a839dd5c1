import { join } from 'node:path';
import type { Pool } from 'pg';
import { migrate, type Db } from './db';
import type { Logger } from './logger';

/** Where the outbox table's migrations live: applied to each schema that keeps an outbox. */
const MIGRATIONS = join(__dirname, 'outbox-migrations');
/** A relay that took a message has this long to deliver it before another may (longer than any call's timeout). */
const LEASE_SECONDS = 60;
/** Retries wait 1 s, 2 s, 4 s… and never longer than this. */
const MAX_BACKOFF_SECONDS = 300;
const BATCH = 50;

export interface OutboxOptions<T> {
  pool: Pool;
  /** The service's own schema; the table is `<schema>.outbox`. */
  schema: string;
  /** OUTBOX_QUEUE: this deployment's messages (test stacks share one database). */
  queue: string;
  /** How each topic is delivered; a rejection (any error) is retried with backoff, forever. */
  deliver: { [K in keyof T]: (payload: T[K]) => Promise<unknown> };
  logger: Logger;
  /** How often the relay looks for due messages when nobody nudges it. */
  pollMs?: number;
}

interface Row {
  id: string;
  topic: string;
  payload: unknown;
  attempts: number;
}

/**
 * A transactional outbox: `enqueue` writes a message with the caller's
 * transaction, so it exists exactly when the change it announces committed;
 * the relay delivers it, at least once, retrying with exponential backoff
 * until the receiver accepts, across restarts (the message is a row) and
 * replicas (each takes its messages with SKIP LOCKED and a lease). Receivers
 * must be idempotent. A message is never given up on: one that fails for
 * good (a receiver older than its sender, mid-rollout) waits for a receiver
 * that accepts it, and its attempts and last error are in the table.
 */
export async function openOutbox<T extends Record<string, unknown>>(o: OutboxOptions<T>) {
  await migrate(o.pool, o.schema, MIGRATIONS);
  const table = `${o.schema}.outbox`;
  const pollMs = o.pollMs ?? 1_000;

  /** Takes the due messages (or only `ids`, if due) for one lease. */
  async function take(ids?: string[]): Promise<Row[]> {
    const { rows } = await o.pool.query<Row>(
      `UPDATE ${table} o SET attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => $3)
       FROM (SELECT id FROM ${table} WHERE queue = $1 AND next_attempt_at <= now() AND ($4::bigint[] IS NULL OR id = ANY($4))
             ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) due
       WHERE o.id = due.id RETURNING o.id, o.topic, o.payload, o.attempts`,
      [o.queue, BATCH, LEASE_SECONDS, ids ?? null],
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  async function deliverOne(row: Row): Promise<boolean> {
    const deliver = o.deliver[row.topic as keyof T];
    try {
      if (!deliver) throw new Error(`no delivery for topic "${row.topic}" in this version`);
      await deliver(row.payload as T[keyof T]);
    } catch (err) {
      const level = row.attempts >= 5 ? 'error' : 'warn';
      o.logger[level]({ err, outbox: table, id: row.id, topic: row.topic, attempt: row.attempts }, 'outbox delivery failed; retrying');
      await o.pool.query(
        `UPDATE ${table} SET next_attempt_at = now() + make_interval(secs => least($3, power(2, attempts - 1))), last_error = $2 WHERE id = $1`,
        [row.id, String((err as Error).message ?? err).slice(0, 500), MAX_BACKOFF_SECONDS],
      );
      return false;
    }
    await o.pool.query(`DELETE FROM ${table} WHERE id = $1`, [row.id]);
    return true;
  }

  /** Delivers taken messages in the order written; those left when the relay stops are handed back at once. */
  async function deliverTaken(rows: Row[]): Promise<number> {
    let delivered = 0;
    for (const [i, row] of rows.entries()) {
      if (state === 'stopped') {
        await o.pool.query(`UPDATE ${table} SET next_attempt_at = now(), attempts = attempts - 1 WHERE id = ANY($1::bigint[])`, [
          rows.slice(i).map((r) => r.id),
        ]);
        break;
      }
      if (await deliverOne(row)) delivered += 1;
    }
    return delivered;
  }

  // The relay: a pass every pollMs, or at once when nudged; one pass at a time.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let nudged = false;
  /** idle: deliverNow works, no relay; relaying: passes run; stopped: for good. */
  let state: 'idle' | 'relaying' | 'stopped' = 'idle';
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (state === 'relaying') timer = setTimeout(run, ms);
  };
  const run = () => {
    if (running) return void (nudged = true);
    running = (async () => {
      try {
        // Until a pass takes nothing: failed messages wait for their backoff, so this ends.
        for (let rows = await take(); rows.length && state === 'relaying'; rows = await take()) await deliverTaken(rows);
      } catch (err) {
        o.logger.warn({ err, outbox: table }, 'outbox relay pass failed; retrying');
      }
    })().finally(() => {
      running = undefined;
      schedule(nudged ? 0 : pollMs);
      nudged = false;
    });
  };

  return {
    /** Writes a message with `db` (the caller's transaction); the relay delivers it once that commits. */
    async enqueue<K extends keyof T & string>(db: Db, topic: K, payload: T[K]): Promise<string> {
      const { rows } = await db.query<{ id: string }>(`INSERT INTO ${table} (queue, topic, payload) VALUES ($1, $2, $3) RETURNING id`, [
        o.queue,
        topic,
        JSON.stringify(payload),
      ]);
      return rows[0]!.id;
    },
    /** Tries these messages now (after their transaction committed); whether all were delivered. The relay retries the rest. */
    async deliverNow(...ids: string[]): Promise<boolean> {
      return (await deliverTaken(await take(ids))) === ids.length;
    },
    /** Asks the relay for a pass now rather than at its next poll (after a commit that wrote messages). */
    nudge(): void {
      schedule(0);
    },
    start(): void {
      if (state !== 'idle') return;
      state = 'relaying';
      schedule(0);
    },
    /** Stops the relay, after the pass in progress. */
    async stop(): Promise<void> {
      state = 'stopped';
      clearTimeout(timer);
      await running;
    },
  };
}
export type Outbox<T extends Record<string, unknown>> = Awaited<ReturnType<typeof openOutbox<T>>>;
