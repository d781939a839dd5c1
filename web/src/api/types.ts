/**
 * The public API's shapes the web app reads, written from the OpenAPI
 * document (/openapi.json) and the services' schemas. The web app talks to
 * the API only over HTTP: it imports no server code, only the types of
 * contracts/ that both sides share (erased by the build).
 */
import type { Reservation, ReservationStatus, Seat, Ticket } from '../../../contracts/domain';
import type { Money } from '../lib/money';

export type { Money };
export type Role = 'customer' | 'organizer' | 'staff' | 'admin';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
}

export const CATEGORIES = ['concert', 'theatre', 'sport', 'comedy', 'festival', 'conference', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Counts {
  available: number;
  reserved: number;
  sold: number;
}

export type Tier = { name: string; price: Money; sections: string[] } | { name: string; price: Money; area: string; capacity: number };

export interface Session {
  id: string;
  eventId: string;
  hallId: string;
  startsAt: string;
  endsAt: string;
  tiers: Tier[];
  availability?: Counts;
}

export interface EventSummary {
  id: string;
  organizerId: string;
  title: string;
  description: string;
  category: Category;
  status: 'draft' | 'published' | 'cancelled';
  createdAt: string;
  publishedAt: string | null;
  cancelledAt: string | null;
  sessions: Session[];
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface SeatOnMap {
  seatId: string;
  section: string;
  row: string;
  number: number;
  tier: string;
  price: Money;
  status: 'available' | 'reserved' | 'sold';
}

export interface Area extends Counts {
  area: string;
  tier: string;
  price: Money;
  capacity: number;
}

export type { ReservationStatus, Reservation, Ticket };
/** A place as a reservation holds it (a numbered seat, or a standing place in row "GA"). */
export type HeldSeat = Seat;

export interface WaitingRoom {
  sessionId: string;
  enabled: boolean;
  openedOnOverflow: boolean;
  admissionsPerMinute: number | null;
  initialBurst: number | null;
  waiting: number;
  admitted: number;
}

export interface QueuePlace {
  token: string;
  position: number;
  etaSeconds: number;
  pollAfterSeconds: number;
}

export type QueueStatus =
  | { status: 'waiting'; position: number; etaSeconds: number; pollAfterSeconds: number }
  | { status: 'admitted'; admissionToken: string; expiresAt: string }
  | { status: 'expired'; expiredAt: string }
  | { status: 'soldOut' }
  | { status: 'closed' };

export interface HallLayout {
  id: string;
  venueId: string;
  name: string;
  seatCount: number;
  sections: { name: string; rows: { label: string; seats: number }[] }[];
}

export interface Venue {
  id: string;
  organizerId: string;
  name: string;
  city: string;
  address: string;
  createdAt: string;
  halls: HallLayout[];
}

export interface SalesReport {
  eventId: string;
  title: string;
  status: string;
  sessions: { sessionId: string; startsAt: string; capacity: number; sold: number; reserved: number; available: number; revenue: Money; checkIns: number }[];
  totals: { capacity: number; sold: number; reserved: number; available: number; revenue: Money[]; checkIns: number };
  generatedAt: string;
}

export interface Admitted {
  result: 'admitted';
  ticket: { id: string; eventId: string; sessionId: string; seat: unknown };
  admittedAt: string;
  door: string | null;
  staffId: string;
}

export interface Application {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  organizationName: string;
  details: string;
  applicant: { id: string; email: string; name: string };
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  action: string;
  subjectId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}
