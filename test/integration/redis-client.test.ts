import { createRedis, redisReady } from '../../services/shared/redis';
import { testInfra } from '../infra-env';

// Every service's Redis client: the calls many requests make in one tick
// share a socket write (a write per call was most of what a 409 cost Redis).
describe('Redis client', () => {
  const redis = createRedis(testInfra().redisUrl);
  // Services use their client once it is up: without an offline queue, a call before then fails.
  beforeAll(() => redisReady(redis));
  afterAll(() => redis.disconnect());

  it('sends the commands of one tick as one pipeline, each answered on its own', async () => {
    const key = `redis-client-test:${Date.now()}`;
    const calls = [redis.incr(key), redis.incr(key), redis.get(key), redis.del(key)];
    expect(redis.autoPipelineQueueSize).toBe(4);
    expect(await Promise.all(calls)).toEqual([1, 2, '2', 1]);
  });

  it('keeps transactions and scripts whole', async () => {
    const key = `redis-client-test:${Date.now()}:tx`;
    const [tx, script] = await Promise.all([
      redis.multi().set(key, 'a').get(key).exec(),
      redis.eval("return redis.call('GET', KEYS[1])", 1, key),
    ]);
    expect(tx).toEqual([[null, 'OK'], [null, 'a']]);
    expect(script).toBe('a');
    await redis.del(key);
  });
});
