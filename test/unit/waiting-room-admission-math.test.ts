import { gate, gateTime, initialBurst, opening, overflowRate, pollAfter, retunedRate, skipTo, type Room } from '../../services/booking/waiting-room/admission-math';

describe('waiting room gate', () => {
  const at = 1_000_000;
  const room = (o: Partial<Room> = {}): Room => ({ sessionId: 's', enabled: true, admissionsPerMinute: 600, generation: 1, baseAdmitted: 10, baseAt: at, openedOnOverflow: false, ...o });

  it('opens with one second of admissions at once (at least one), then moves at the rate', () => {
    expect([1, 59, 60, 61, 600, 100_000].map(initialBurst)).toEqual([1, 1, 1, 2, 10, 1667]);
    expect(opening('s', 600, undefined, at, false)).toMatchObject({ enabled: true, baseAdmitted: 10, baseAt: at, generation: at });
    // A re-opening starts a new generation even if the clock stood still.
    expect(opening('s', 600, room({ generation: at }), at, true)).toMatchObject({ generation: at + 1, openedOnOverflow: true });
  });

  it('admits rate/60 places a second from its base, never before the base time', () => {
    const r = room();
    expect(gate(r, at - 5_000)).toBe(10);
    expect(gate(r, at)).toBe(10);
    expect(gate(r, at + 999)).toBe(19);
    expect(gate(r, at + 60_000)).toBe(610);
  });

  it('reaches a place when the gate says, and a place within the base at once', () => {
    const r = room();
    expect(gateTime(r, 5)).toBe(at);
    expect(gateTime(r, 11)).toBe(at + 100);
    expect(gateTime(r, 610)).toBe(at + 60_000);
    for (const p of [11, 57, 610]) expect(gate(r, gateTime(r, p))).toBeGreaterThanOrEqual(p);
    for (const p of [57, 610]) expect(gate(r, gateTime(r, p) - 1)).toBeLessThan(p);
  });
});

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

  it('lets the gate skip to just before the first buyer still waiting, never back', () => {
    expect(skipTo(10, 25)).toBe(24);
    expect(skipTo(30, 31)).toBe(30);
  });

  it('tells a waiting buyer to ask again after half their ETA, from 1 s to 10 s', () => {
    expect([0, 1, 2, 3, 9, 19, 20, 21, 600].map(pollAfter)).toEqual([1, 1, 1, 2, 5, 10, 10, 10, 10]);
  });
});
