import { perSecond } from '../../services/booking/call-meter';
import { overflowRate, pollAfter, retunedRate, skipTo } from '../../services/booking/waiting-room';

describe('overflow waiting room rates', () => {
  it('opens at the buyers per minute the booking path just served (two Temporal calls each), at least 60', () => {
    expect(overflowRate(13)).toBe(390);
    expect(overflowRate(0)).toBe(60);
    expect(overflowRate(1)).toBe(60);
    expect(overflowRate(1e6)).toBe(100_000);
  });

  it('falls to what booking sustained (by 30% at least) while holds are refused, rises by 60/min while turns come quickly, and stays otherwise', () => {
    expect(retunedRate(2_600, 'congested', 390)).toBe(390);
    expect(retunedRate(400, 'congested', 390)).toBe(280);
    expect(retunedRate(80, 'congested', 390)).toBe(60);
    expect(retunedRate(400, 'quick', 390)).toBe(460);
    expect(retunedRate(99_990, 'quick', 80_000)).toBe(100_000);
    expect(retunedRate(400, 'steady', 390)).toBe(400);
  });

  it('rises to no more than 1.5 times what booking sustained, and does not fall for it while turns come quickly', () => {
    expect(retunedRate(560, 'quick', 390)).toBe(585);
    expect(retunedRate(585, 'quick', 390)).toBe(585);
    // Rose before the buyers it admitted arrived: held there until they are served.
    expect(retunedRate(900, 'quick', 390)).toBe(900);
    expect(retunedRate(900, 'quick', 640)).toBe(960);
  });

  it('measures throughput from the first second with calls, not over the idle seconds before it', () => {
    expect(perSecond([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(0);
    expect(perSecond([0, 0, 0, 0, 0, 0, 0, 0, 12, 14])).toBe(13);
    expect(perSecond([3, 0, 0, 0, 0, 0, 0, 0, 0, 7])).toBe(1);
  });

  it('lets the gate skip to just before the first buyer still waiting, never back', () => {
    expect(skipTo(10, 25)).toBe(24);
    expect(skipTo(30, 31)).toBe(30);
  });

  it('tells a waiting buyer to ask again after half their ETA, from 1 s to 10 s', () => {
    expect([0, 1, 2, 3, 9, 19, 20, 21, 600].map(pollAfter)).toEqual([1, 1, 1, 2, 5, 10, 10, 10, 10]);
  });
});
