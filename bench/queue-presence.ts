/**
 * What an overflow waiting room's re-tune costs Redis as its queue grows.
 * Run by hand while `npm run up` runs (it uses the dev stack's Redis):
 *   node dist/bench/queue-presence.js [--places 1000,20000,100000]
 *
 * For each queue length, every place's buyer is present, and the gate moves
 * on 5 places per look. Compares the presence the re-tune used before (one
 * sorted set by time, every present place read per look) with
 * createQueuePresence (places in order, the first one still there found).
 * Prints the mean time per look seen by the client and Redis's own time per
 * call (INFO commandstats): Redis runs nothing else meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createQueuePresence } from '../services/booking/waiting-room/queue-presence';
import { DEV_INFRA_OPTIONS, infraUrls } from '../devstack/infra';
import { createRedis, redisReady } from '../services/shared/redis';

const LOOKS = 20;
const WINDOW_MS = 15_000;

async function main() {
  const { values } = parseArgs({ options: { places: { type: 'string', default: '1000,20000,100000' } } });
  const redis = createRedis(infraUrls(DEV_INFRA_OPTIONS).redisUrl);
  await redisReady(redis);
  const presence = createQueuePresence(redis, 600);

  /** Mean client ms per look, and Redis's µs per look of the commands named. */
  async function measure(look: () => Promise<unknown>, commands: RegExp) {
    await redis.config('RESETSTAT');
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOKS; i++) await look();
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / LOOKS;
    const usec = (await redis.info('commandstats'))
      .split('\n')
      .filter((l) => commands.test(l))
      .reduce((sum, l) => sum + Number(/usec=(\d+)/.exec(l)?.[1] ?? 0), 0);
    return { ms, redisUs: usec / LOOKS };
  }

  const rows: string[] = [];
  for (const n of values.places.split(',').map(Number)) {
    const session = `bench-presence-${randomUUID()}`;
    const now = Date.now();
    const byTime = `${session}:by-time`;
    for (let from = 1; from <= n; from += 10_000) {
      const p = redis.pipeline();
      for (let i = from; i < Math.min(n + 1, from + 10_000); i++) {
        p.zadd(byTime, now, String(i));
        presence.mark(session, 1, i, now);
      }
      await p.exec();
    }
    let gate = 0;
    const before = await measure(async () => {
      const [[, seen]] = (await redis
        .pipeline()
        .zrangebyscore(byTime, now - WINDOW_MS, '+inf')
        .zremrangebyscore(byTime, '-inf', `(${now - WINDOW_MS}`)
        .exec()) as [[Error | null, string[]], unknown];
      gate += 5;
      return seen.map(Number).filter((p) => p > gate).reduce((a, b) => Math.min(a, b), Infinity);
    }, /^cmdstat_z(range|rem)/);
    gate = 0;
    const after = await measure(async () => {
      gate += 5;
      return presence.firstPresent(session, 1, gate, now - WINDOW_MS);
    }, /^cmdstat_(eval|evalsha)/);
    rows.push(`| ${n} | ${before.ms.toFixed(2)} | ${before.redisUs.toFixed(0)} | ${after.ms.toFixed(2)} | ${after.redisUs.toFixed(0)} |`);
    await redis.del(byTime, `wr:${session}:1:places`, `wr:${session}:1:seen`);
  }
  console.log(`# Waiting-room presence per re-tune (${LOOKS} looks each, every buyer present)`);
  console.log('| places in the queue | every present place: client ms | Redis µs | first present: client ms | Redis µs |');
  console.log('|---|---|---|---|---|');
  rows.forEach((r) => console.log(r));
  redis.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
