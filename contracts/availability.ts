/**
 * A session's availability on the wire: two bits per seat, in the order of
 * the session's layout (contracts/catalog.ts SessionLayout: sections, then
 * rows, then seats), base64. Seat i is the two bits of byte ⌊i/4⌋ that start
 * 2·(i mod 4) bits from its most significant bit: the order of Redis's
 * BITFIELD u2 #i, in which the catalog keeps them.
 * 5,000 seats take 1,250 bytes (1,668 in base64), against ~860 KB for the
 * same states as a JSON seat map. The catalog encodes; clients (the web app,
 * the benchmark's buyers) decode. No Node API, so a browser bundle can take
 * it as it is.
 */
export const SEAT_STATUSES = ['available', 'reserved', 'sold'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

/** The code of each status in the bitmap. */
export const STATUS_CODE: Readonly<Record<SeatStatus, number>> = { available: 0, reserved: 1, sold: 2 };

export function packStatuses(codes: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(codes.length / 4));
  for (let i = 0; i < codes.length; i++) bytes[i >> 2]! |= (codes[i]! & 3) << (6 - (i & 3) * 2);
  return bytes;
}

/** The status code of each of `count` seats. */
export function unpackStatuses(bytes: Uint8Array, count: number): Uint8Array {
  const codes = new Uint8Array(count);
  for (let i = 0; i < count; i++) codes[i] = ((bytes[i >> 2] ?? 0) >> (6 - (i & 3) * 2)) & 3;
  return codes;
}

/** Base64 with the platform's atob/btoa (Node ≥ 16 and every browser). */
export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
export const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Each seat's status, decoded from an availability's `seats` field. */
export const decodeAvailability = (seats: string, count: number): SeatStatus[] =>
  [...unpackStatuses(fromBase64(seats), count)].map((c) => SEAT_STATUSES[c] ?? 'available');
