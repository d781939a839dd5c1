import { overflowRate, retunedRate } from '../../services/booking/waiting-room';

describe('overflow waiting room rates', () => {
  it('opens at the buyers per minute the booking path just served (two Temporal calls each), at least 60', () => {
    expect(overflowRate(13)).toBe(390);
    expect(overflowRate(0)).toBe(60);
    expect(overflowRate(1)).toBe(60);
    expect(overflowRate(1e6)).toBe(100_000);
  });

  it('falls by 30% while holds are refused, rises by a quarter while turns come quickly, and stays otherwise', () => {
    expect(retunedRate(400, 'congested')).toBe(280);
    expect(retunedRate(400, 'quick')).toBe(500);
    expect(retunedRate(400, 'steady')).toBe(400);
    expect(retunedRate(80, 'congested')).toBe(60);
    expect(retunedRate(99_999, 'quick')).toBe(100_000);
  });
});
