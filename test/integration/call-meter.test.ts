import { createCallMeter } from '../../services/booking/flow-control/call-meter';
import { createRedis, redisReady } from '../../services/shared/redis';
import { testInfra } from '../infra-env';

// An overflow waiting room admits at what every booking replica together
// sustains: each counts its completed Temporal calls into shared buckets.
describe('booking call meter', () => {
  const redis = createRedis(testInfra().redisUrl);
  beforeAll(() => redisReady(redis));
  afterAll(() => redis.disconnect());

  it("adds up every replica's calls of the same task queue, over the settled seconds since calls began", async () => {
    const taskQueue = `call-meter-${Date.now()}-${Math.random()}`;
    const [a, b] = [createCallMeter(redis, taskQueue), createCallMeter(redis, taskQueue)];
    const other = createCallMeter(redis, `${taskQueue}-other`);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    for (let i = 0; i < 10; i++) a.record(t0 + 100);
    for (let i = 0; i < 20; i++) b.record(t0 + 1_100);
    for (let i = 0; i < 6; i++) a.record(t0 + 1_900);
    for (let i = 0; i < 50; i++) other.record(t0 + 1_000);
    await Promise.all([a.flush(), b.flush(), other.flush()]);

    // Seconds t0 and t0+1 have settled two seconds later: 36 calls over the 2 s since they began.
    expect(await a.perSecond(t0 + 3_500)).toBe(18);
    expect(await b.perSecond(t0 + 3_500)).toBe(18);
    // Before they settle, they are not read.
    expect(await a.perSecond(t0 + 1_500)).toBe(0);
    // Once out of the ten-second window, they no longer count.
    expect(await a.perSecond(t0 + 13_500)).toBe(0);
    // Another task queue (another stack) counts apart: its 50 calls within its one second.
    expect(await other.perSecond(t0 + 3_500)).toBe(50);
    [a, b, other].forEach((m) => m.stop());
  });
});
