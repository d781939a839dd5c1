import { hasRole, type Principal } from '../shared/auth';
import { forbidden, HttpError } from '../shared/errors';
import type { BookingClient, CatalogClient } from '../../contracts/clients';
import type { SessionInfo } from '../../contracts/catalog';
import { LEGACY_TICKET_CODE_PREFIX, parseTicketCode, verifyLegacyTicketCode, verifyTicketCode, type ParsedTicketCode } from '../../contracts/ticket-code';
import type { Admissions } from './admissions';
import type { EventKeys } from './event-keys';

/**
 * How long a scan waits for booking's word on a ticket: a door queue is better
 * served by a slow answer than by "scan again" (the gateway gives up at 30 s).
 */
const BOOKING_TIMEOUT_MS = 20_000;

export type InvalidReason = 'malformed' | 'bad-signature' | 'legacy-code-expired' | 'unknown-ticket' | 'claims-mismatch' | 'voided';

const DETAIL: Record<InvalidReason, string> = {
  malformed: 'this is not a ticket code of this platform',
  'bad-signature': 'the code\'s signature does not verify: it was altered or forged',
  'legacy-code-expired': `codes of the earlier format (${LEGACY_TICKET_CODE_PREFIX}) are accepted only until their event has passed`,
  'unknown-ticket': 'no such ticket was issued',
  'claims-mismatch': 'the code names another event or session than the ticket it carries',
  voided: 'the ticket was voided',
};

export const invalidTicket = (reason: InvalidReason, extra: Record<string, unknown> = {}) =>
  new HttpError(422, 'INVALID_TICKET', DETAIL[reason], { reason, ...extra });

/** How the door verifies codes: each event's public key (TKT3), and the master key of the earlier HMAC codes (TKT2). */
export interface CodeKeys {
  eventKey: EventKeys;
  legacyMasterKey: string;
}

/** Why a code does not verify: its shape, or (well-formed) its signature. */
export async function checkCode(keys: CodeKeys, code: string): Promise<ParsedTicketCode | InvalidReason> {
  const parsed = parseTicketCode(code);
  if (!parsed) return 'malformed';
  const verified =
    parsed.format === LEGACY_TICKET_CODE_PREFIX
      ? verifyLegacyTicketCode(keys.legacyMasterKey, code)
      : verifyTicketCode((await ask('booking', () => keys.eventKey(parsed.claims.eventId))).key, code);
  return verified ? parsed : 'bad-signature';
}

/** A failure of another service is ours to report as unavailable, never the scanner's fault. */
export async function ask<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) throw err;
    throw new HttpError(503, 'DEPENDENCY_UNAVAILABLE', `${what} did not answer; scan again`);
  }
}

interface DoorDeps {
  keys: CodeKeys;
  admissions: Admissions;
  booking: BookingClient;
  catalog: CatalogClient;
}

/**
 * Who may work a door: staff at any event, an organizer at their own events.
 * Admins are deliberately not scanners (the public contract names "staff,
 * organizer of the event"); an admin who must scan grants themself `staff`,
 * which the audit log records.
 */
export async function assertMayScan(user: Principal, ownerOf: () => Promise<string | undefined>): Promise<void> {
  if (hasRole(user, 'staff')) return;
  if (hasRole(user, 'organizer') && (await ownerOf()) === user.userId) return;
  throw forbidden('only staff, or the organizer of this event, may scan its tickets');
}

/** One scan at a door: verify, authorize, check the ticket's state with booking, admit once. */
export function createDoor(d: DoorDeps) {
  const ticketOf = (id: string) =>
    ask('booking', () => d.booking.ticketState(id, { timeoutMs: BOOKING_TIMEOUT_MS })).catch((err) => {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    });
  const sessionOf = (sessionId: string): Promise<SessionInfo | undefined> =>
    ask('catalog', () => d.catalog.session(sessionId)).catch((err) => {
      if (err instanceof HttpError && err.status === 404) return undefined;
      throw err;
    });

  return async function scan(user: Principal, code: string, door: string | undefined) {
    const scanner = { staffId: user.userId, door };
    const checked = await checkCode(d.keys, code);
    if (typeof checked === 'string') {
      await d.admissions.logScan({ ...scanner, result: 'invalid', reason: checked });
      throw invalidTicket(checked);
    }
    const { claims } = checked;
    const about = { ...scanner, ticketId: claims.ticketId, eventId: claims.eventId };
    const refuse = async (reason: InvalidReason, extra: Record<string, unknown> = {}) => {
      await d.admissions.logScan({ ...about, result: 'invalid', reason });
      return invalidTicket(reason, { ticketId: claims.ticketId, ...extra });
    };
    let session: Promise<SessionInfo | undefined> | undefined;
    const sessionOnce = () => (session ??= sessionOf(claims.sessionId));
    // An HMAC code admits until its event (the session it names) has ended; an unknown session is refused below.
    if (checked.format === LEGACY_TICKET_CODE_PREFIX) {
      const s = await sessionOnce();
      if (s && Date.parse(s.endsAt) <= Date.now()) throw await refuse('legacy-code-expired', { endedAt: s.endsAt });
    }
    try {
      await assertMayScan(user, async () => (await sessionOnce())?.organizerId);
    } catch (err) {
      if (err instanceof HttpError && err.status === 403) await d.admissions.logScan({ ...about, result: 'forbidden', reason: err.message });
      throw err;
    }
    const ticket = await ticketOf(claims.ticketId);
    if (!ticket) throw await refuse('unknown-ticket');
    if (ticket.eventId !== claims.eventId || ticket.sessionId !== claims.sessionId) throw await refuse('claims-mismatch');
    if (ticket.status !== 'valid') throw await refuse('voided', { voidedAt: ticket.voidedAt, voidReason: ticket.voidReason });

    const { admitted, admission } = await d.admissions.admit({ ...about, sessionId: claims.sessionId });
    if (!admitted) {
      throw new HttpError(409, 'ALREADY_CHECKED_IN', `this ticket was admitted at ${admission.admittedAt}`, {
        ticketId: admission.ticketId,
        admittedAt: admission.admittedAt,
        door: admission.door,
        staffId: admission.staffId,
      });
    }
    return {
      result: 'admitted' as const,
      ticket: { id: ticket.id, eventId: claims.eventId, sessionId: claims.sessionId, seat: ticket.seat },
      admittedAt: admission.admittedAt,
      door: admission.door,
      staffId: admission.staffId,
    };
  };
}
export type Door = ReturnType<typeof createDoor>;
