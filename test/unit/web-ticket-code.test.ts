import { randomUUID } from 'node:crypto';
import { checkinKit } from '../../services/checkin/checkin-kit';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';
import { createCodeVerifier } from '../../web/src/lib/ticket-code';

/**
 * The contract between the server's ticket codes and the web app's offline
 * door: a code signed by booking verifies in the browser's code (WebCrypto,
 * run here on Node's) with nothing but the event's check-in kit.
 */
describe('offline door verification in the web app against the server-signed codes', () => {
  const master = 'a-master-key-of-the-test-only-kind';
  const eventId = randomUUID();
  const claims = { ticketId: randomUUID(), eventId, sessionId: randomUUID() };

  it('accepts a code booking signed, with only the kit of its event', async () => {
    const verify = await createCodeVerifier(checkinKit(master, eventId, [], []));
    expect(await verify(signTicketCode(master, claims))).toEqual({ ok: true, ...claims });
  });

  it('refuses a code of another event, and one signed with another master key', async () => {
    const verify = await createCodeVerifier(checkinKit(master, eventId, [], []));
    const otherEvent = signTicketCode(master, { ...claims, eventId: randomUUID() });
    expect(await verify(otherEvent)).toEqual({ ok: false, reason: 'other-event' });
    expect(await verify(signTicketCode('another-master-key-entirely', claims))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
