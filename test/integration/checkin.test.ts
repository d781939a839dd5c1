import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { legacyEventTicketKey, legacyTicketSignature, ticketCodeBody, ticketPublicKey, verifyTicketCode, type TicketClaims } from '../../contracts/ticket-code';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';
import { createTicketKeys } from '../../services/booking/tickets/ticket-keys';
import { eventually } from '../support/eventually';
import type { SignedIn } from '../../devstack/api-client';
import { smallSession } from '../support/catalog';
import { startStack, type Stack } from '../support/stack';

interface BoughtTicket {
  id: string;
  code: string;
  sessionId: string;
  eventId: string;
}

describe('check-in at the door', () => {
  let stack: Stack;
  let owner: SignedIn;
  let doors: [SignedIn, SignedIn];
  let tickets: BoughtTicket[];
  let eventId: string;

  const scan = (who: SignedIn | undefined, code: string, door?: string) =>
    stack.api.call('POST', '/api/v1/checkin', { token: who?.token, body: door ? { code, door } : { code } });
  const admissionsOf = async (ticketId: string) =>
    (await stack.pool.query('SELECT count(*)::int AS n FROM checkin.admissions WHERE ticket_id = $1', [ticketId])).rows[0].n as number;

  beforeAll(async () => {
    stack = await startStack();
    owner = await stack.newUserWithRole('organizer');
    doors = [await stack.newUserWithRole('staff'), await stack.newUserWithRole('staff')];
    const session = await smallSession(stack.api, owner.token);
    eventId = session.eventId;
    const buyer = await stack.newCustomer();
    const reservation = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: buyer.token,
      body: { sessionId: session.sessionId, seatIds: session.seats.slice(0, 5).map((s) => s.seatId) },
    });
    const confirmed = await stack.api.expect(200, 'POST', `/api/v1/reservations/${reservation.id}/confirm`, {
      token: buyer.token,
      body: { paymentToken: 'tok_visa' },
    });
    tickets = confirmed.tickets;
    expect(tickets).toHaveLength(5);
  });
  afterAll(() => stack.close());

  it('admits a ticket exactly once when 20 scans at two doors arrive together', async () => {
    const ticket = tickets[0]!;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => scan(doors[i % 2], ticket.code, i % 2 ? 'south' : 'north')),
    );
    expect(answers.filter((a) => a.status !== 200 && a.status !== 409).map((a) => a.body)).toEqual([]);
    const admitted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 409);
    expect(admitted).toHaveLength(1);
    expect(refused).toHaveLength(19);

    const first = admitted[0]!.body;
    expect(first).toMatchObject({ result: 'admitted', ticket: { id: ticket.id, eventId } });
    const firstDoor = first.door as string;
    expect(first.staffId).toBe(doors[firstDoor === 'north' ? 0 : 1].user.id);
    for (const r of refused) {
      expect(r.body).toMatchObject({ code: 'ALREADY_CHECKED_IN', admittedAt: first.admittedAt, door: firstDoor, staffId: first.staffId });
    }

    expect(await admissionsOf(ticket.id)).toBe(1);
    const log = await stack.pool.query('SELECT result, count(*)::int AS n FROM checkin.scans WHERE ticket_id = $1 GROUP BY result', [ticket.id]);
    expect(Object.fromEntries(log.rows.map((r) => [r.result, r.n]))).toEqual({ admitted: 1, already_checked_in: 19 });

    // A later scan still names the first one.
    const again = await scan(doors[1], ticket.code, 'east');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ admittedAt: first.admittedAt, door: firstDoor });
  });

  it('refuses a code with one character changed, and admits nothing', async () => {
    const ticket = tickets[1]!;
    const at = ticket.code.length - 5;
    const tampered = ticket.code.slice(0, at) + (ticket.code[at] === 'A' ? 'B' : 'A') + ticket.code.slice(at + 1);
    const res = await scan(doors[0], tampered, 'north');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'INVALID_TICKET', reason: 'bad-signature' });

    const garbage = await scan(doors[0], 'not-a-ticket');
    expect(garbage.status).toBe(422);
    expect(garbage.body.reason).toBe('malformed');
    expect(await admissionsOf(ticket.id)).toBe(0);
    const logged = await stack.pool.query(
      `SELECT count(*)::int AS n FROM checkin.scans WHERE staff_id = $1 AND result = 'invalid' AND reason IN ('bad-signature', 'malformed')`,
      [doors[0].user.id],
    );
    expect(logged.rows[0].n).toBe(2);
  });

  it('refuses a well-formed code signed with any key but the event\'s own (a forger holding public keys, or a kit)', async () => {
    const ticket = tickets[1]!;
    const body = ticketCodeBody({ ticketId: ticket.id, eventId, sessionId: ticket.sessionId });
    const forged = `${body}.${sign(null, Buffer.from(body), generateKeyPairSync('ed25519').privateKey).toString('base64url')}`;
    const res = await scan(doors[0], forged, 'north');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'INVALID_TICKET', reason: 'bad-signature' });
    expect(await admissionsOf(ticket.id)).toBe(0);
  });

  it('refuses a genuinely signed code that names no ticket, or another session than its ticket', async () => {
    // Signed as booking signs (the test holds booking's secret; the check-in service does not).
    const keys = createTicketKeys(stack.secrets.ticketKeypairSecret);
    const ticket = tickets[4]!;
    const unknown = signTicketCode(keys, { ticketId: randomUUID(), eventId, sessionId: ticket.sessionId });
    const res = await scan(doors[0], unknown);
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('unknown-ticket');
    const elsewhere = signTicketCode(keys, { ticketId: ticket.id, eventId, sessionId: randomUUID() });
    const mismatch = await scan(doors[0], elsewhere);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.reason).toBe('claims-mismatch');
    expect(await admissionsOf(ticket.id)).toBe(0);
  });

  it('refuses a voided ticket', async () => {
    const ticket = tickets[2]!;
    // The real path (an event cancelled by its organizer voids its tickets) is covered by the lead's event-cancellation test.
    await stack.pool.query(`UPDATE booking.tickets SET status = 'void', voided_at = now(), void_reason = 'refunded' WHERE id = $1`, [ticket.id]);
    const res = await scan(doors[1], ticket.code, 'south');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'INVALID_TICKET', reason: 'voided', voidReason: 'refunded', ticketId: ticket.id });
    expect(await admissionsOf(ticket.id)).toBe(0);
  });

  it('lets nobody but staff and the owning organizer scan', async () => {
    const ticket = tickets[3]!;
    const customer = await stack.newCustomer();
    expect((await scan(customer, ticket.code)).status).toBe(403);
    expect((await scan(undefined, ticket.code)).status).toBe(401);
    const stranger = await stack.newUserWithRole('organizer');
    const refused = await scan(stranger, ticket.code, 'north');
    expect(refused.status).toBe(403);
    expect(await admissionsOf(ticket.id)).toBe(0);

    const byOwner = await scan(owner, ticket.code, 'stage door');
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toMatchObject({ result: 'admitted', staffId: owner.user.id, door: 'stage door' });
  });

  it('hands staff and the owner a kit that verifies codes offline, refuses tampered and forged ones, and lists voided and admitted tickets', async () => {
    const path = `/api/v1/events/${eventId}/checkin-kit`;
    const kit = await stack.api.expect(200, 'GET', path, { token: doors[0].token });
    expect(kit).toMatchObject({ eventId, algorithm: 'Ed25519' });
    expect(Object.keys(kit).sort()).toEqual(['admittedTicketIds', 'algorithm', 'codeFormat', 'eventId', 'generatedAt', 'publicKey', 'voidedTicketIds']);
    const publicKey = ticketPublicKey(kit.publicKey);
    expect(publicKey.type).toBe('public');
    for (const t of tickets) expect(verifyTicketCode(publicKey, t.code)).toMatchObject({ ticketId: t.id, eventId });
    // Offline, as a scanner holding only the kit: one character changed, or a forger's own signature, does not verify.
    const code = tickets[1]!.code;
    const at = code.length - 5;
    expect(verifyTicketCode(publicKey, code.slice(0, at) + (code[at] === 'A' ? 'B' : 'A') + code.slice(at + 1))).toBeUndefined();
    const body = ticketCodeBody({ ticketId: randomUUID(), eventId, sessionId: tickets[1]!.sessionId });
    expect(verifyTicketCode(publicKey, `${body}.${sign(null, Buffer.from(body), generateKeyPairSync('ed25519').privateKey).toString('base64url')}`)).toBeUndefined();
    expect(kit.voidedTicketIds).toEqual([tickets[2]!.id]);
    expect([...kit.admittedTicketIds].sort()).toEqual([tickets[0]!.id, tickets[3]!.id].sort());

    expect((await stack.api.call('GET', path, { token: owner.token })).status).toBe(200);
    const stranger = await stack.newUserWithRole('organizer');
    expect((await stack.api.call('GET', path, { token: stranger.token })).status).toBe(403);
    expect((await stack.api.call('GET', path, { token: (await stack.newCustomer()).token })).status).toBe(403);

    // Each kit handed out is in the audit log: who took which event's kit.
    const entries = async (actorId: string) =>
      (await stack.api.expect(200, 'GET', `/api/v1/admin/audit-log?action=checkin_kit.issued&subjectId=${eventId}&actorId=${actorId}`, { token: stack.admin.token })).items;
    await eventually(async () => expect(await entries(doors[0].user.id)).toHaveLength(1));
    await eventually(async () => expect(await entries(owner.user.id)).toHaveLength(1));
    expect((await entries(doors[0].user.id))[0]).toMatchObject({ actorId: doors[0].user.id, subjectId: eventId, details: { voided: 1, admitted: 2 } });
    expect(await entries(stranger.user.id)).toHaveLength(0);
  });

  describe('tickets issued before Ed25519 codes (TKT2, HMAC)', () => {
    /** The ticket's code as it was issued under the earlier format. */
    async function asLegacyTicket(ticket: BoughtTicket): Promise<string> {
      const claims: TicketClaims = { ticketId: ticket.id, eventId: ticket.eventId, sessionId: ticket.sessionId };
      const body = ticketCodeBody(claims, 'TKT2');
      const code = `${body}.${legacyTicketSignature(legacyEventTicketKey(stack.secrets.ticketSigningKey, claims.eventId), body)}`;
      await stack.pool.query('UPDATE booking.tickets SET code = $2 WHERE id = $1', [ticket.id, code]);
      return code;
    }

    it('admits them online while their event is ahead, and refuses them once it has passed', async () => {
      const organizer = await stack.newUserWithRole('organizer');
      const session = await smallSession(stack.api, organizer.token);
      const buyer = await stack.newCustomer();
      const r = await stack.api.expect(201, 'POST', '/api/v1/reservations', {
        token: buyer.token,
        body: { sessionId: session.sessionId, seatIds: session.seats.slice(0, 2).map((s) => s.seatId) },
      });
      const [first, second] = (await stack.api.expect(200, 'POST', `/api/v1/reservations/${r.id}/confirm`, { token: buyer.token, body: { paymentToken: 'tok_visa' } }))
        .tickets as BoughtTicket[];
      const [early, late] = [await asLegacyTicket(first!), await asLegacyTicket(second!)];

      const admitted = await scan(doors[0], early, 'north');
      expect(admitted.status).toBe(200);
      expect(admitted.body).toMatchObject({ result: 'admitted', ticket: { id: first!.id } });
      // A tampered TKT2 code is refused as a TKT3 one is.
      const tampered = late.slice(0, -3) + (late.at(-3) === 'A' ? 'B' : 'A') + late.slice(-2);
      expect((await scan(doors[0], tampered)).body).toMatchObject({ code: 'INVALID_TICKET', reason: 'bad-signature' });

      // The event is over (its session moved into the past, as time would).
      await stack.pool.query(`UPDATE catalog.sessions SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour' WHERE id = $1`, [session.sessionId]);
      const refused = await scan(doors[0], late, 'north');
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'INVALID_TICKET', reason: 'legacy-code-expired' });
      expect(await admissionsOf(second!.id)).toBe(0);
    });
  });
});
