import { generateKeyPairSync, sign } from 'node:crypto';
import { legacyEventTicketKey, legacyTicketSignature, ticketCodeBody } from '../../contracts/ticket-code';
import { smallSession } from '../support/catalog';
import { openPage, stackAndBrowser, screenshot, signInThroughUi } from './support/browser';
import { paidBooking, PASSWORD } from './support/journeys';

jest.setTimeout(120_000);

const env = stackAndBrowser();

describe('the door web app', () => {
  it('admits a ticket, calls its second scan already admitted, refuses a forged code, and admits offline then syncs; an older code offline is for the online door', async () => {
    const organizer = await env.stack.newUserWithRole('organizer');
    const session = await smallSession(env.stack.api, organizer.token);
    const { title } = await env.stack.api.expect(200, 'GET', `/api/v1/events/${session.eventId}`);
    const buyer = await env.stack.newCustomer('door-buyer');
    const seats = session.seats.filter((s) => s.section === 'Front').slice(0, 2);
    const { tickets } = await paidBooking(env.stack, buyer, session.sessionId, seats.map((s) => s.seatId));
    const [first, second] = tickets as unknown as [{ code: string }, { code: string }];
    expect(second.code).toMatch(/^TKT3\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[\w-]{86}$/);
    // What a stolen kit's holder could make: the second ticket's claims, signed with an Ed25519 key of their own.
    const [, ticketId, eventId, sessionId] = second.code.split('.') as [string, string, string, string];
    const body = ticketCodeBody({ ticketId, eventId, sessionId });
    const minted = `${body}.${sign(null, Buffer.from(body), generateKeyPairSync('ed25519').privateKey).toString('base64url')}`;
    // A ticket of the earlier format (HMAC), which only the check-in service can judge.
    const legacyBody = ticketCodeBody({ ticketId, eventId, sessionId }, 'TKT2');
    const legacy = `${legacyBody}.${legacyTicketSignature(legacyEventTicketKey('k'.repeat(32), eventId), legacyBody)}`;
    const staff = await env.stack.newUserWithRole('staff');

    const { page, errors } = await openPage(env.browser, env.stack.api.baseUrl, { width: 375, height: 800 });
    await signInThroughUi(page, staff.user.email, PASSWORD, '/door');
    await page.getByRole('button', { name: `Scan tickets for ${title}` }).click();
    await page.getByLabel('Door name').fill('North');
    const code = page.getByLabel('Ticket code');
    const result = page.getByTestId('door-result');
    const check = async (c: string) => {
      await code.fill(c);
      await page.getByRole('button', { name: 'Check ticket' }).click();
    };

    await check(first.code);
    await result.filter({ hasText: 'Admitted' }).waitFor();
    await expect(result.getAttribute('class')).resolves.toContain('door-admitted');
    await expect(result.textContent()).resolves.toMatch(/Section Front, row A, seat \d/);
    await screenshot(page, 'door-admitted-375px');

    await check(first.code);
    await result.filter({ hasText: 'Already admitted' }).waitFor();
    await expect(result.getAttribute('class')).resolves.toContain('door-already');
    await expect(result.textContent()).resolves.toMatch(/First scanned at .+ at door North/);
    await screenshot(page, 'door-already-375px');

    // One character of the signature changed (not the last: its low bits are padding).
    const at = second.code.length - 10;
    const forged = `${second.code.slice(0, at)}${second.code[at] === 'A' ? 'B' : 'A'}${second.code.slice(at + 1)}`;
    await check(forged);
    await result.filter({ hasText: 'Not valid' }).waitFor();
    await expect(result.textContent()).resolves.toContain('Forged or altered code');
    await expect(result.getAttribute('class')).resolves.toContain('door-invalid');

    // Offline: the kit (fetched when the door opened) checks the signature in the browser.
    const sync = page.getByTestId('sync-state');
    await sync.filter({ hasText: 'Offline kit ready' }).waitFor();
    await page.getByLabel('Work offline').check();
    // Each check below answers differently from the one before it, so each wait sees its own answer.
    await check(second.code);
    await result.filter({ hasText: 'Admitted' }).waitFor();
    await expect(result.textContent()).resolves.toContain('Checked offline');
    await sync.filter({ hasText: '1 admission waiting to sync' }).waitFor();
    await check(minted);
    await result.filter({ hasText: 'Not valid' }).waitFor();
    await expect(result.textContent()).resolves.toContain('Forged or altered code');
    await check(second.code);
    await result.filter({ hasText: 'Already admitted' }).waitFor();
    await check(forged);
    await result.filter({ hasText: 'Not valid' }).waitFor();
    await expect(result.textContent()).resolves.toContain('Forged or altered code');
    await screenshot(page, 'door-offline-375px');
    await check(legacy);
    await result.filter({ hasText: 'Check online' }).waitFor();
    await expect(result.getAttribute('class')).resolves.toContain('door-online-only');
    await expect(result.textContent()).resolves.toContain('This older ticket can only be checked online');
    await sync.filter({ hasText: '1 admission waiting to sync' }).waitFor();
    await screenshot(page, 'door-offline-older-code-375px');

    // Back online: the queued admission reaches the server (and nothing for the older code: it would come back refused, a conflict).
    await page.getByLabel('Work offline').uncheck();
    await sync.filter({ hasText: 'All admissions synced' }).waitFor();
    await check(second.code);
    await result.filter({ hasText: 'Already admitted' }).waitFor();
    await expect(result.textContent()).resolves.toContain('at door North');
    expect(errors).toEqual([]);
  });
});
