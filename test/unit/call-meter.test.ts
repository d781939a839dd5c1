import { perSecond } from '../../services/booking/flow-control/call-meter';

describe('booking call meter', () => {
  it('measures throughput from the first second with calls, not over the idle seconds before it', () => {
    expect(perSecond([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(0);
    expect(perSecond([0, 0, 0, 0, 0, 0, 0, 0, 12, 14])).toBe(13);
    expect(perSecond([3, 0, 0, 0, 0, 0, 0, 0, 0, 7])).toBe(1);
  });
});
