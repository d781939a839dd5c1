import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { unavailableError } from './errors';

/**
 * How long a query may wait for a connection: a new one to a server that
 * does not answer (a dead host), or a free one from a full pool. Past it the
 * request is answered 503 with Retry-After (services/shared/errors.ts) rather
 * than keeping its caller waiting for nothing. A stopped server refuses at
 * once; this bounds the cases where nothing answers at all.
 */
export const PG_CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long a query may go without an answer before it fails (client side:
 * the server may be frozen or cut off, where its own statement_timeout
 * cannot help). Longer than any query here takes under load, shorter than
 * the gateway's upstream timeout, so the buyer gets a 503 from the service
 * and not a 504 from the gateway.
 */
export const PG_QUERY_TIMEOUT_MS = 15_000;

/**
 * A pool that survives its server going away: broken connections are
 * dropped and new ones made on demand, so the service recovers by itself
 * when PostgreSQL is back.
 */
export function createPool(url: string, max = 10): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    query_timeout: PG_QUERY_TIMEOUT_MS,
  });
  // A client losing its connection must not crash the process: an idle one
  // (the pool's 'error'), nor one checked out between two queries (its own
  // 'error'; its next query fails, and the pool drops it when released).
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** A pool or a transaction's client: anything that runs a query. */
export type Db = Pick<PoolClient, 'query'>;

export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection that failed (or whose query timed out and may still be running) is not given back to the pool.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (unavailableError(err)) broken = err as Error;
    else await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Applies a service's numbered migrations (NNN_name.sql in `dir`) to its own
 * schema, once each, under an advisory lock so replicas starting together
 * never race.
 */
export async function migrate(pool: Pool, schema: string, dir: string): Promise<void> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrate:${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await c.query<{ name: string }>(`SELECT name FROM ${schema}.schema_migrations`);
    const applied = new Set(rows.map((r) => r.name));
    for (const file of files) {
      if (applied.has(file)) continue;
      await c.query(`SET LOCAL search_path TO ${schema}, public`);
      await c.query(readFileSync(join(dir, file), 'utf8'));
      await c.query(`INSERT INTO ${schema}.schema_migrations (name) VALUES ($1)`, [file]);
    }
  });
}

/** Postgres error codes worth naming. */
export const PG = { deadlock: '40P01' } as const;

export function pgCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}
