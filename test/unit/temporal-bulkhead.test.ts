import { createTemporalBulkhead } from '../../services/booking/temporal-bulkhead';
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
    const bulkhead = createTemporalBulkhead({ maxInFlight: 2, maxWaitMs: 10_000 });
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
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 10_000 });
    await expect(bulkhead.run(() => Promise.reject(new Error('no worker')))).rejects.toThrow('no worker');
    await expect(bulkhead.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('answers 503 with Retry-After to a call that waited too long, which then never runs', async () => {
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 50 });
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
    const bulkhead = createTemporalBulkhead({ maxInFlight: 1, maxWaitMs: 20 });
    const slow = bulkhead.run(() => new Promise((r) => setTimeout(() => r('slow but running'), 80)));
    await expect(slow).resolves.toBe('slow but running');
  });
});
