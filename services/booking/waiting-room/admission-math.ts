/**
 * The waiting room's admission maths, pure: where a room's gate stands at a
 * moment, when it reaches a place, when a buyer should ask again, and how an
 * overflow room's rate follows the booking path's load. No I/O: every input
 * is a number or a room's settings (see waiting-room.ts for the room itself).
 *
 * The gate is a function of time,
 *
 *   admitted(now) = baseAdmitted + floor((now - baseAt) * admissionsPerMinute / 60000)
 *
 * where the room opens with an initial burst of one second's worth of
 * admissions (ceil(rate / 60), at least 1) at the moment it is enabled. A rate
 * change re-bases the gate at its current value, so nobody admitted is
 * un-admitted.
 */

export interface Room {
  sessionId: string;
  enabled: boolean;
  admissionsPerMinute: number;
  generation: number;
  baseAdmitted: number;
  baseAt: number;
  openedOnOverflow: boolean;
}

export const initialBurst = (rate: number) => Math.max(1, Math.ceil(rate / 60));

/** How many positions the gate has reached at `now`. */
export const gate = (r: Room, now: number) => r.baseAdmitted + Math.floor((Math.max(0, now - r.baseAt) * r.admissionsPerMinute) / 60_000);

/** When the gate reaches `position`. */
export const gateTime = (r: Room, position: number) =>
  position <= r.baseAdmitted ? r.baseAt : r.baseAt + Math.ceil(((position - r.baseAdmitted) * 60_000) / r.admissionsPerMinute);

/** The longest a waiting buyer is told to wait before asking for their status again. */
export const MAX_POLL_SECONDS = 10;

/**
 * A waiting buyer who has not asked for their status for this long is taken
 * to have left: clients ask again when told (pollAfter), at most
 * MAX_POLL_SECONDS apart, or follow the live stream, which asks every second.
 */
export const PRESENCE_WINDOW_MS = MAX_POLL_SECONDS * 1000 + 5_000;

/**
 * When a waiting buyer should ask again, in seconds: half their ETA, from 1
 * to MAX_POLL_SECONDS. Buyers near the gate learn of their turn within a
 * second; the thousands behind them, who polled every few seconds whatever
 * their place, no longer take most of the booking path's CPU in a flash sale
 * (2,000 buyers at 5 s: ~300 polls/s, bench/RESULTS.md). A rate that rises
 * or a gate that skips only brings a turn sooner than this says, by at most
 * MAX_POLL_SECONDS, against an admission that lasts minutes.
 */
export const pollAfter = (etaSeconds: number) => Math.min(MAX_POLL_SECONDS, Math.max(1, Math.ceil(etaSeconds / 2)));

/**
 * Where an overflow room's gate may jump to: just before the first place
 * whose buyer is still there. Nobody loses a turn (every place passed is
 * admitted, and a buyer who comes back finds it so). Without it, a room
 * spends its rate on the places of buyers who gave up: in a full-size sale
 * with buyers of 30 s patience, the gate walked through such places for a
 * minute while its rate was raised, then reached the buyers still waiting
 * at ten times the rate booking sustains.
 */
export const skipTo = (gateNow: number, firstPresent: number) => Math.max(gateNow, firstPresent - 1);

/** A room opened now: a new generation, an empty queue, the initial burst. */
export const opening = (sessionId: string, admissionsPerMinute: number, old: Room | undefined, now: number, openedOnOverflow: boolean): Room => ({
  sessionId,
  enabled: true,
  admissionsPerMinute,
  generation: Math.max(now, (old?.generation ?? 0) + 1),
  baseAdmitted: initialBurst(admissionsPerMinute),
  baseAt: now,
  openedOnOverflow,
});

/** Calls a buyer makes at Temporal: a hold, then a confirm or a cancel (or the hold lapses). */
const CALLS_PER_BUYER = 2;
/** The least an overflow room admits, whatever was measured. */
const MIN_OVERFLOW_RATE = 60;

/** The most an overflow room admits when its rate is raised. */
const MAX_OVERFLOW_RATE = 100_000;
/** How often an overflow room's rate follows the booking path's load (per replica). */
export const RETUNE_EVERY_MS = 5_000;

/** How much an overflow room's rate rises at a time (admissions per minute). */
const RISE_PER_RETUNE = 60;
/** How far above what booking sustains an overflow room's rate may rise. */
const OVERSHOOT = 1.5;

/**
 * An overflow room's next rate (AIMD, as TCP finds a link's capacity):
 * while new holds are being refused, down to what booking just sustained
 * (`sustained`, admissions per minute) and by at least 30%; while turns come
 * quickly and buyers wait, up by RISE_PER_RETUNE, but not past
 * OVERSHOOT × sustained. Admitted buyers arrive seconds after their
 * admission, so the load answers a rise late: rising by a quarter every 5 s
 * ran from 280 to 2,600/min before the first refusal in a full-size sale,
 * and rising by 60/min still reached 900–1,050/min against ~390 sustained;
 * the buyers so admitted then waited past their deadline for a turn (503).
 * The ceiling lifts as admitted buyers arrive and are served, so a booking
 * path with room to spare is still found.
 */
export const retunedRate = (rate: number, load: 'congested' | 'quick' | 'steady', sustained: number) =>
  load === 'congested'
    ? Math.max(MIN_OVERFLOW_RATE, Math.min(Math.floor((rate * 7) / 10), sustained))
    : load === 'quick'
      ? Math.min(MAX_OVERFLOW_RATE, rate + RISE_PER_RETUNE, Math.max(rate, Math.floor(sustained * OVERSHOOT)))
      : rate;

/** Admissions per minute an overflow room opens with: the buyers the booking path just served per minute. */
export const overflowRate = (callsPerSecond: number) => Math.max(MIN_OVERFLOW_RATE, Math.min(MAX_OVERFLOW_RATE, Math.round((callsPerSecond * 60) / CALLS_PER_BUYER)));
