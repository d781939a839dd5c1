import { z } from 'zod';
import { GeneralAdmission } from './domain';
import { Money } from './money';

/** The catalog's contract: its public bodies and views, and what other services ask of it. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);


export const CreateVenueBody = z.strictObject({ name: text(200), city: text(120), address: text(300) });

export const CreateHallBody = z.strictObject({
  name: text(200),
  sections: z
    .array(
      z.strictObject({
        name: text(60),
        rows: z
          .array(z.strictObject({ label: text(10), seats: z.number().int().min(1).max(500) }))
          .min(1)
          .max(500),
      }),
    )
    .min(1)
    .max(100),
});

export const CATEGORIES = ['concert', 'theatre', 'sport', 'comedy', 'festival', 'conference', 'other'] as const;

export const CreateEventBody = z.strictObject({
  title: text(200),
  description: z.string().max(5000).default(''),
  category: z.enum(CATEGORIES),
});

export const UpdateEventBody = z
  .strictObject({
    title: text(200).optional(),
    description: z.string().max(5000).optional(),
    category: z.enum(CATEGORIES).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of title, description, category');

/** A hall's name and whole layout; PUT replaces the layout (and regenerates its seats). */
export const HallLayoutBody = CreateHallBody;

export const CreateSessionBody = z.strictObject({
  hallId: z.uuid(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  tiers: z
    .array(
      z.union([
        z.strictObject({ name: text(60), price: Money, sections: z.array(text(60)).min(1) }),
        // General admission: a standing area of `capacity` unnumbered places.
        z.strictObject({ name: text(60), price: Money, capacity: z.number().int().min(1).max(20_000), area: text(60) }),
      ]),
    )
    .min(1)
    .max(20),
});

const page = z.coerce.number().int().min(1).max(10_000).default(1);
const pageSize = z.coerce.number().int().min(1).max(100).default(20);

export const ListEventsQuery = z
  .strictObject({
    q: z.string().trim().max(200).optional(),
    category: z.enum(CATEGORIES).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    page,
    pageSize,
  })
  .refine((v) => !v.from || !v.to || Date.parse(v.from) <= Date.parse(v.to), { message: 'from must not be after to', path: ['from'] });

export const EVENT_STATUSES = ['draft', 'published', 'cancelled'] as const;

export const OrganizerEventsQuery = z.strictObject({ status: z.enum(EVENT_STATUSES).optional(), page, pageSize });

export const SEAT_STATUSES = ['available', 'reserved', 'sold'] as const;

export const SeatView = z.object({
  seatId: z.uuid(),
  section: z.string(),
  row: z.string(),
  number: z.number().int(),
  tier: z.string(),
  price: Money,
  status: z.enum(SEAT_STATUSES),
});
export type SeatView = z.infer<typeof SeatView>;

/** A general-admission area on the seat map: counts, not places. */
export const AreaView = z.object({
  area: z.string(),
  tier: z.string(),
  price: Money,
  capacity: z.number().int(),
  available: z.number().int(),
  reserved: z.number().int(),
  sold: z.number().int(),
});
export type AreaView = z.infer<typeof AreaView>;

export const SeatMap = z.object({
  sessionId: z.uuid(),
  seats: z.array(SeatView),
  areas: z.array(AreaView),
  counts: z.object({ available: z.number().int(), reserved: z.number().int(), sold: z.number().int() }),
});

/**
 * A session's static seat layout, the first half of its seat map: what never
 * changes while tickets sell. Immutable per `layoutVersion` (a hash of its
 * content): GET /sessions/{id}/layout?version=<v> may be cached for good.
 * Seats are listed by section, then row; in a row, `seatIds[k]` is seat
 * number k + 1. A row's seats sit at (x + k, y) in seat-pitch units: rows
 * centred, sections stacked with a one-row gap. That order is the order of
 * the availability bitmap (contracts/availability.ts).
 */
export const SessionLayout = z.object({
  sessionId: z.uuid(),
  layoutVersion: z.string(),
  tiers: z.array(z.object({ name: z.string(), price: Money })),
  sections: z.array(
    z.object({
      name: z.string(),
      rows: z.array(
        z.object({
          label: z.string(),
          /** Index into tiers. */
          tier: z.number().int(),
          x: z.number(),
          y: z.number(),
          seatIds: z.array(z.uuid()),
        }),
      ),
    }),
  ),
  /** Standing areas: sold as counts, not places. */
  areas: z.array(z.object({ area: z.string(), tier: z.number().int(), capacity: z.number().int() })),
  /** Seats in the bitmap: every row's seats, in order. */
  seatCount: z.number().int(),
  width: z.number(),
  height: z.number(),
});
export type SessionLayout = z.infer<typeof SessionLayout>;

const Counts = z.object({ available: z.number().int(), reserved: z.number().int(), sold: z.number().int() });

/**
 * The second half: which seats are free now, a few KB for a stadium, with
 * a version that changes when any seat does (its ETag; 304 while unchanged).
 */
export const SeatAvailability = z.object({
  sessionId: z.uuid(),
  /** The layout these bits are in the order of. */
  layoutVersion: z.string(),
  /** Changes whenever a seat's status does. */
  version: z.string(),
  encoding: z.literal('2bit-base64').describe('two bits per seat in layout order, most significant first: seat i is the bit pair of byte ⌊i/4⌋ starting 2·(i mod 4) bits from its top; 0 available, 1 reserved, 2 sold'),
  seats: z.string(),
  areas: z.array(Counts.extend({ area: z.string() })),
  /** Numbered seats only; each area has its own counts. */
  counts: Counts,
});
export type SeatAvailability = z.infer<typeof SeatAvailability>;

/** GET /sessions/{id}/layout: with the version the availability names, the answer may be cached for good. */
export const LayoutQuery = z.strictObject({ version: z.string().min(1).max(64).optional() });

/** GET /sessions/{id}/seat-map/live: the whole seats as they change, or the compact availability and its deltas. */
export const LiveSeatMapQuery = z.strictObject({ format: z.enum(['seats', 'availability']).default('seats') });

// ---- internal (service to service) ------------------------------------------

export const HoldBody = z.union([
  z.strictObject({
    reservationId: z.uuid(),
    seatIds: z.array(z.uuid()).min(1).max(50),
    heldUntil: z.iso.datetime({ offset: true }),
  }),
  z.strictObject({
    reservationId: z.uuid(),
    generalAdmission: GeneralAdmission,
    heldUntil: z.iso.datetime({ offset: true }),
  }),
]);
export const ReservationSeatsBody = z.strictObject({ reservationId: z.uuid(), seatIds: z.array(z.uuid()).min(1).max(50) });
export type HoldBody = z.infer<typeof HoldBody>;

/** A price tier of a session: seated sections, or a standing area of `capacity` places. */
export type SessionTier =
  | { name: string; price: Money; sections: string[] }
  | { name: string; price: Money; area: string; capacity: number };

/** GET /internal/sessions/:id: a session with what other services need to know of its event and place. */
export interface SessionInfo {
  id: string;
  eventId: string;
  hallId: string;
  startsAt: string;
  endsAt: string;
  tiers: SessionTier[];
  organizerId: string;
  eventStatus: string;
  eventTitle: string;
  hall: string;
  /** "<venue name>, <city>" */
  venue: string;
}

/**
 * A session's places by state, by the seat map's rule (a hold counts as
 * reserved until its end, then as available). GET /internal/sessions/:id/places
 * answers it: the waiting room's sold-out test.
 */
export interface PlaceCounts {
  available: number;
  reserved: number;
  sold: number;
}

/** GET /internal/sessions/:id/places: every place of the session, and each standing area's. */
export type SessionPlaces = PlaceCounts & { areas: (PlaceCounts & { area: string })[] };

/** GET /internal/events/:id/inventory: an event's owner and each session's seat counts. */
export interface Inventory {
  eventId: string;
  organizerId: string;
  status: string;
  title: string;
  sessions: { sessionId: string; startsAt: string; currency: string; capacity: number; sold: number; reserved: number; available: number }[];
}

/** GET /internal/stats */
export interface CatalogStats {
  events: Record<string, number>;
}
