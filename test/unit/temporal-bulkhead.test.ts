import { createTemporalBulkhead } from '../../services/booking/flow-control/temporal-bulkhead';
import { HttpError } from '../../services/shared/errors';

/** A call that resolves when told to, recording when it started. */
function pendingCall(started: number[], n: number) {
  let finish!: (v: number) => void;
  const call = () => {
    started.push(n);
    return new Promise<number>((resolve) => (finish = resolve));
  };
  return { call, finish: () => finish(n) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Temporal bulkhead', () => {
  it('lets at most maxInFlight calls run at once and the rest in their order of arrival', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 2, maxWaitMs: 10_000, shedAfterMs: 10_000 });
    const started: number[] = [];
    const calls = [0, 1, 2, 3, 4].map((n) => pendingCall(started, n));
    const answers = calls.map((c) => bulkhead.run(c.call));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(bulkhead.load()).toEqual({ inFlight: 2, waiting: 3 });
    calls[1]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    calls[0]!.finish();
    calls[2]!.finish();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    calls[3]!.finish();
    calls[4]!.finish();
    expect(await Promise.all(answers)).toEqual([0, 1, 2, 3, 4]);
    await tick();
    expect(bulkhead.load()).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('passes a failed call on and frees its turn', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 10_000, shedAfterMs: 10_000 });
    await expect(bulkhead.run(() => Promise.reject(new Error('no worker')))).rejects.toThrow('no worker');
    await expect(bulkhead.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('answers 503 with Retry-After to a call that waited too long, which then never runs', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 50, shedAfterMs: 10_000 });
    const started: number[] = [];
    const first = pendingCall(started, 0);
    const firstAnswer = bulkhead.run(first.call);
    const late = bulkhead.run(() => {
      started.push(1);
      return Promise.resolve(1);
    });
    const err = await late.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 503, code: 'BOOKING_BUSY', extra: { retryAfter: 1 } });
    first.finish();
    expect(await firstAnswer).toBe(0);
    await tick();
    expect(started).toEqual([0]); // the given-up call did not run once its turn came
    await expect(bulkhead.run(() => Promise.resolve('after'))).resolves.toBe('after');
  });

  it('does not time out a call once it runs, however long it takes', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 20, shedAfterMs: 20 });
    const slow = bulkhead.run(() => new Promise((r) => setTimeout(() => r('slow but running'), 80)));
    await expect(slow).resolves.toBe('slow but running');
  });

  it('serves buyers who hold seats first, then admitted holds, then new holds, each in order of arrival', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 10_000, shedAfterMs: 10_000 });
    const started: number[] = [];
    const calls = [0, 1, 2, 3, 4, 5].map((n) => pendingCall(started, n));
    const answers = [
      bulkhead.run(calls[0]!.call),
      bulkhead.run(calls[1]!.call, { hold: 'new' }),
      bulkhead.run(calls[2]!.call, { hold: 'admitted' }),
      bulkhead.run(calls[3]!.call, { hold: 'new' }),
      bulkhead.run(calls[4]!.call),
      bulkhead.run(calls[5]!.call, { hold: 'admitted' }),
    ];
    for (const order of [[0], [0, 4], [0, 4, 2], [0, 4, 2, 5], [0, 4, 2, 5, 1], [0, 4, 2, 5, 1, 3]]) {
      await tick();
      expect(started).toEqual(order);
      calls[order[order.length - 1]!]!.finish();
    }
    expect(await Promise.all(answers)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('gives up on a new hold after shedAfterMs, while a confirm waits up to maxWaitMs', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 400, shedAfterMs: 40 });
    const started: number[] = [];
    const first = pendingCall(started, 0);
    const firstAnswer = bulkhead.run(first.call);
    const hold = bulkhead.run(() => Promise.resolve('hold'), { hold: 'new' });
    const confirm = bulkhead.run(() => Promise.resolve('confirm'));
    const refused = await hold.catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, code: 'BOOKING_BUSY' });
    first.finish();
    expect(await firstAnswer).toBe(0);
    await expect(confirm).resolves.toBe('confirm'); // waited longer than shedAfterMs, and was served
  });

  it('refuses new holds at once while turns come late, and queues them again once the line is quick', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 10_000, shedAfterMs: 30 });
    const started: number[] = [];
    const calls = [0, 1, 2].map((n) => pendingCall(started, n));
    const answers = calls.map((c) => bulkhead.run(c.call));
    await new Promise((r) => setTimeout(r, 50));
    calls[0]!.finish();
    await tick();
    expect(started).toEqual([0, 1]); // call 1 got its turn after waiting ≥ 30 ms; call 2 still waits
    expect(bulkhead.congested()).toBe(true);
    let ran = false;
    const refused = await bulkhead
      .run(
        () => {
          ran = true;
          return Promise.resolve('hold');
        },
        { hold: 'new' },
      )
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 503, code: 'BOOKING_BUSY' });
    expect(ran).toBe(false);
    calls[1]!.finish();
    await tick();
    calls[2]!.finish();
    expect(await Promise.all(answers)).toEqual([0, 1, 2]);
    // Nobody waits now: not congested, and a new hold runs.
    expect(bulkhead.congested()).toBe(false);
    await expect(bulkhead.run(() => Promise.resolve('hold'), { hold: 'new' })).resolves.toBe('hold');
  });

  it('tells of every call that ran, done or failed, and not of one that gave up waiting for its turn', async () => {
    let settled = 0;
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 30, shedAfterMs: 10_000, settled: () => settled++ });
    const started: number[] = [];
    const slow = pendingCall(started, 0);
    const running = bulkhead.run(slow.call);
    const gaveUp = bulkhead.run(() => Promise.resolve(1)).catch((e: unknown) => e);
    expect(await gaveUp).toMatchObject({ code: 'BOOKING_BUSY' });
    expect(settled).toBe(0);
    slow.finish();
    await running;
    await bulkhead.run(() => Promise.reject(new Error('failed calls count too'))).catch(() => undefined);
    await tick();
    expect(settled).toBe(2);
  });
});
