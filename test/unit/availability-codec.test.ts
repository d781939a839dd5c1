import { decodeAvailability, fromBase64, packStatuses, toBase64, unpackStatuses } from '../../contracts/availability';

describe('availability bitmap', () => {
  it('round-trips any statuses, two bits a seat, four seats a byte', () => {
    for (const count of [0, 1, 3, 4, 5, 4_999, 5_000]) {
      const codes = Array.from({ length: count }, (_, i) => (i * 7 + (i >> 3)) % 3);
      const bytes = packStatuses(codes);
      expect(bytes.length).toBe(Math.ceil(count / 4));
      expect([...unpackStatuses(fromBase64(toBase64(bytes)), count)]).toEqual(codes);
    }
  });

  it("puts seat i in byte ⌊i/4⌋, most significant bits first (Redis's BITFIELD u2 order), and decodes to status names", () => {
    expect([...packStatuses([0, 1, 2, 0, 2])]).toEqual([0b00_01_10_00, 0b10_00_00_00]);
    expect(decodeAvailability(toBase64(packStatuses([0, 1, 2])), 3)).toEqual(['available', 'reserved', 'sold']);
  });

  it('takes 1,668 characters for 5,000 seats', () => {
    expect(toBase64(packStatuses(new Array(5_000).fill(2))).length).toBe(1_668);
  });
});
