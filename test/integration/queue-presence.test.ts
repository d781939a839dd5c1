import { createQueuePresence } from '../../services/booking/waiting-room/queue-presence';
import { createRedis, redisReady } from '../../services/shared/redis';
import { testInfra } from '../infra-env';

// An overflow room's gate skips the places of buyers who left: presence finds
// the first place past the gate whose buyer still asks, looking at each place once.
describe('waiting-room queue presence', () => {
  const redis = createRedis(testInfra().redisUrl);
  const presence = createQueuePresence(redis, 60);
  beforeAll(() => redisReady(redis));
  afterAll(() => redis.disconnect());

  const room = () => `presence-${Date.now()}-${Math.random()}`;
  const marked = async (sessionId: string, marks: [position: number, at: number][]) => {
    for (const [position, at] of marks) presence.mark(sessionId, 1, position, at);
    await redis.ping(); // marks are fire-and-forget; a later command on the connection follows them
  };
  const places = (sessionId: string) => redis.zrange(`wr:${sessionId}:1:places`, '0', '-1').then((p) => p.map(Number));

  it('finds the first place past the gate still asking, and forgets places passed or left on the way', async () => {
    const s = room();
    // Places 1–3 asked long ago (left), 4 lately, 5 long ago, 6 lately.
    await marked(s, [[1, 100], [2, 100], [3, 100], [4, 5_000], [5, 100], [6, 5_000]]);
    expect(await presence.firstPresent(s, 1, 0, 1_000)).toEqual({ present: 4 });
    expect(await places(s)).toEqual([4, 5, 6]);
    // Once the gate passes 4, the next still there is 6.
    expect(await presence.firstPresent(s, 1, 4, 1_000)).toEqual({ present: 6 });
    expect(await places(s)).toEqual([6]);
    expect(await redis.hkeys(`wr:${s}:1:seen`)).toEqual(['6']);
    // A buyer who asks again counts again.
    await marked(s, [[8, 6_000]]);
    expect(await presence.firstPresent(s, 1, 6, 1_000)).toEqual({ present: 8 });
  });

  it('answers nobody when every place past the gate left, and stops after so many of them with how far they reach', async () => {
    const s = room();
    await marked(s, [[1, 100], [2, 100]]);
    expect(await presence.firstPresent(s, 1, 0, 1_000)).toBeUndefined();
    expect(await places(s)).toEqual([]);

    await marked(s, [[3, 100], [4, 100], [5, 100], [6, 5_000]]);
    // At most two dropped per look: everyone up to 4 left, and 5 is looked at next time.
    expect(await presence.firstPresent(s, 1, 2, 1_000, 2)).toEqual({ leftUpTo: 4 });
    expect(await presence.firstPresent(s, 1, 4, 1_000, 2)).toEqual({ present: 6 });
  });
});
