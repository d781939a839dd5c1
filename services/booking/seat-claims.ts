import type Redis from 'ioredis';
import { seatViewKey, seatViewReadyKey } from '../../contracts/seat-view';

/**
 * Short claims on seats, one key per seat, that the booking API takes before
 * it starts a workflow, so that of many buyers racing for a seat only one
 * starts a workflow. A claim is refused for a seat the catalog's view
 * (contracts/seat-view.ts) knows to be taken. PostgreSQL still decides; a
 * claim only filters, and lapses by itself.
 */

const claimKey = (sessionId: string, seatId: string) => `seatclaim:${sessionId}:${seatId}`;

// KEYS: ready, view, then one claim key per seat. ARGV: now (ms), claim TTL (ms), reservation id, then the seat ids.
// Returns the seats that cannot be had: taken in the view (or unknown to a built view), or claimed by another reservation.
// Claims are taken only when every seat is free.
const CLAIM = `
local now, ttl, mine = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local ready = redis.call('EXISTS', KEYS[1]) == 1
local refused = {}
for i = 4, #ARGV do
  local claimKey = KEYS[i - 1]
  local taken = false
  if ready then
    local cur = redis.call('HGET', KEYS[2], ARGV[i])
    if not cur then
      taken = true
    else
      local status, untilMs, holder = string.match(cur, '^%d+|(%a)|(%d+)|(.*)$')
      taken = status == 's' or (status == 'h' and tonumber(untilMs) > now and holder ~= mine)
    end
  end
  if not taken then
    local claimant = redis.call('GET', claimKey)
    taken = claimant and claimant ~= mine
  end
  if taken then refused[#refused + 1] = ARGV[i] end
end
if #refused == 0 then
  for i = 4, #ARGV do redis.call('SET', KEYS[i - 1], mine, 'PX', ttl) end
end
return refused`;

// KEYS: claim keys. ARGV: reservation id. Drops only this reservation's claims.
const RELEASE = `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 0`;

export function createSeatClaims(redis: Redis) {
  return {
    /**
     * Claims the seats for a reservation for `ttlMs`, unless one is known to be
     * taken or is claimed by another reservation: those seats are returned and
     * nothing is claimed. The same reservation may claim its seats again.
     */
    async claim(sessionId: string, seatIds: string[], reservationId: string, ttlMs: number, now = Date.now()): Promise<string[]> {
      return (await redis.eval(
        CLAIM,
        2 + seatIds.length,
        seatViewReadyKey(sessionId),
        seatViewKey(sessionId),
        ...seatIds.map((seatId) => claimKey(sessionId, seatId)),
        now,
        Math.max(1, Math.round(ttlMs)),
        reservationId,
        ...seatIds,
      )) as string[];
    },

    /** Gives up a reservation's claims (its hold is in the view now, or failed). */
    async releaseClaims(sessionId: string, seatIds: string[], reservationId: string): Promise<void> {
      if (seatIds.length === 0) return;
      await redis.eval(RELEASE, seatIds.length, ...seatIds.map((seatId) => claimKey(sessionId, seatId)), reservationId);
    },
  };
}
export type SeatClaims = ReturnType<typeof createSeatClaims>;
