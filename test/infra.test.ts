/**
 * A real check of the test harness: the servers the jest global setup started
 * answer on the URLs in .data/test/infra.json, and the Temporal dev server has
 * the booking workflows' custom search attributes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import Redis from 'ioredis';
import { Client } from 'pg';
import { SEARCH_ATTRIBUTE_TYPES } from '../contracts/platform';
import { DEV_INFRA_OPTIONS, TEST_INFRA_OPTIONS } from '../devstack/infra';
import { temporalServerArgs } from '../devstack/infra/temporal';
import { testInfra } from './infra-env';

describe('test infrastructure', () => {
  const infra = testInfra();

  it('PostgreSQL accepts the ticketing role over TCP with a password, on a fresh database', async () => {
    const c = new Client({ connectionString: infra.databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ user: string; db: string; tcp: string | null }>(
        'SELECT current_user AS user, current_database() AS db, inet_server_addr()::text AS tcp',
      );
      expect(rows[0]).toEqual({ user: 'ticketing', db: 'ticketing', tcp: '127.0.0.1/32' });
      // The role owns its database, so services can create their schemas and run migrations.
      await c.query('CREATE SCHEMA IF NOT EXISTS infra_check');
      await c.query('DROP SCHEMA infra_check');
    } finally {
      await c.end();
    }
  });

  it('PostgreSQL rejects a wrong password', async () => {
    const c = new Client({ connectionString: infra.databaseUrl.replace('ticketing:ticketing@', 'ticketing:wrong@') });
    await expect(c.connect()).rejects.toThrow(/password authentication failed/);
    await c.end().catch(() => undefined);
  });

  it('Redis answers PING', async () => {
    const r = new Redis(infra.redisUrl, { lazyConnect: true });
    try {
      await r.connect();
      await expect(r.ping()).resolves.toBe('PONG');
    } finally {
      r.disconnect();
    }
  });

  it('the Temporal dev server has the booking search attributes', async () => {
    const connection = await Connection.connect({ address: infra.temporalAddress });
    try {
      const res = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const custom = res.customAttributes ?? {};
      expect(Object.keys(custom).sort()).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTE_TYPES).sort()));
    } finally {
      await connection.close();
    }
  });

  it('the Temporal dev server runs without the CLI demo settings that cost every booking (dev-tuned, the default)', () => {
    expect(TEST_INFRA_OPTIONS.temporal).toBe('dev-tuned');
    const pid = Number(fs.readFileSync(path.join(TEST_INFRA_OPTIONS.dataDir, 'temporal', 'temporal.pid'), 'utf8'));
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(expect.arrayContaining(['system.forceSearchAttributesCacheRefreshOnRead=false', 'history.cacheMaxSize=8192']));
    expect(temporalServerArgs({ ...TEST_INFRA_OPTIONS, temporal: 'dev' })).not.toContain('system.forceSearchAttributesCacheRefreshOnRead=false');
    expect(temporalServerArgs({ ...DEV_INFRA_OPTIONS, temporal: 'dev-tuned' })).toEqual(expect.arrayContaining(['synchronous=off']));
    expect(temporalServerArgs({ ...DEV_INFRA_OPTIONS, temporal: 'dev' })).toEqual(expect.arrayContaining(['synchronous=normal']));
  });

  it('the Temporal binaries for @temporalio/testing are installed', () => {
    for (const p of [infra.temporalPath, infra.testServerPath]) {
      expect(() => fs.accessSync(p, fs.constants.X_OK)).not.toThrow();
    }
  });
});
