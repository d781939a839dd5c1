import type { Page } from 'playwright-core';
import type { SignedIn } from '../../devstack/api-client';
import { smallSession } from '../support/catalog';
import { openPage, stackAndBrowser, screenshot, signInThroughUi, waitForLoadedImages, waitForTextChange, type TestPage } from './support/browser';
import { PASSWORD } from './support/journeys';
import { clickSeat, currentSeat, seatMap } from './support/seat-map';

jest.setTimeout(120_000);

const env = stackAndBrowser();
let organizer: SignedIn;
let session: Awaited<ReturnType<typeof smallSession>>;
const open: TestPage[] = [];

beforeAll(async () => {
  organizer = await env.stack.newUserWithRole('organizer');
  session = await smallSession(env.stack.api, organizer.token);
});

afterEach(() => {
  for (const t of open.splice(0)) expect(t.errors).toEqual([]);
});

async function page(o?: { width?: number }) {
  const t = await openPage(env.browser, env.stack.api.baseUrl, o);
  open.push(t);
  return t.page;
}

/** The seat map's label for a seat, read the way a keyboard user meets it: focus the map, arrow to it. */
async function labelAfterKeys(p: Page, keys: string[]) {
  await seatMap(p).focus();
  for (const k of keys) await p.keyboard.press(k);
  return currentSeat(p);
}

describe('the buyer web app', () => {
  it('a buyer signs in, finds the event, picks two seats on the map, pays, and sees two tickets with QR codes; another browser sees the seats go without reloading', async () => {
    const buyer = await env.stack.newCustomer('buyer');

    // A second browser (anonymous) watches the same seat map the whole time.
    const watcher = await page();
    await watcher.goto(`/sessions/${session.sessionId}`);
    await currentSeat(watcher).filter({ hasText: 'Section Front, row A, seat 1, VIP, 120.00 EUR, available' }).waitFor();
    await watcher.getByText('25 of 25 seats available').waitFor();

    const p = await page();
    await signInThroughUi(p, buyer.user.email, PASSWORD);
    const { title } = await env.stack.api.expect(200, 'GET', `/api/v1/events/${session.eventId}`);
    await p.getByLabel('Search').fill(title);
    await p.getByRole('button', { name: 'Search' }).click();
    await p.getByRole('link', { name: title }).click();
    await p.getByRole('link', { name: /Choose seats/ }).click();
    await seatMap(p).waitFor();

    // Keyboard: the map starts on the first available seat (Front A1); Enter picks it.
    const label = await labelAfterKeys(p, []);
    await expect(label.textContent()).resolves.toBe('Section Front, row A, seat 1, VIP, 120.00 EUR, available');
    await p.keyboard.press('Enter');
    await label.filter({ hasText: 'seat 1, VIP, 120.00 EUR, selected' }).waitFor();
    // Mouse: click Front A2 where the map draws it.
    await clickSeat(p, env.stack.api, session.sessionId, { section: 'Front', row: 'A', number: 2 });
    const picked = p.getByRole('list', { name: 'Picked seats' }).getByRole('listitem');
    await expect(picked.count()).resolves.toBe(2);
    await expect(p.getByTestId('total').textContent()).resolves.toBe('240.00 EUR');
    await screenshot(p, 'buyer-seat-map-picked');

    await p.getByRole('button', { name: 'Hold 2 seats' }).click();
    await p.getByTestId('countdown').waitFor();
    await expect(p.getByTestId('countdown').textContent()).resolves.toMatch(/^(10:00|9:\d\d)$/);
    await screenshot(p, 'buyer-checkout');

    // The watcher's map shows both seats taken, with no reload.
    await watcher.getByText('23 of 25 seats available').waitFor();
    const watched = await labelAfterKeys(watcher, ['Home']);
    await watched.filter({ hasText: 'Section Front, row A, seat 1, VIP, 120.00 EUR, reserved' }).waitFor();
    await watcher.keyboard.press('ArrowRight');
    await watched.filter({ hasText: 'Section Front, row A, seat 2, VIP, 120.00 EUR, reserved' }).waitFor();

    await p.getByRole('button', { name: /^Pay 240.00 EUR/ }).click();
    await p.waitForURL(/\/bookings\/[0-9a-f-]+$/);
    await p.getByText('Paid: your tickets are ready').waitFor();
    const tickets = p.getByTestId('ticket');
    await expect(tickets.count()).resolves.toBe(2);
    // Both QR codes loaded (fetched with the bearer token, shown from blob: URLs under the app's CSP).
    await waitForLoadedImages(p, 'img.qr', 2);
    await expect(p.getByRole('img', { name: /QR code of the ticket/ }).count()).resolves.toBe(2);
    await expect(p.getByRole('button', { name: /Download PDF/ }).count()).resolves.toBe(2);
    await screenshot(p, 'buyer-tickets');

    // Sold now, still without a reload.
    await watched.filter({ hasText: 'seat 2, VIP, 120.00 EUR, sold' }).waitFor();
    await screenshot(watcher, 'watcher-seat-map-live');

    // Booking history lists the paid booking.
    await p.getByRole('link', { name: 'All bookings' }).click();
    await p.getByRole('cell', { name: 'Paid' }).waitFor();
  });

  it('a declined card keeps the hold and its countdown, and another card then pays', async () => {
    const buyer = await env.stack.newCustomer('declined');
    const p = await page();
    await signInThroughUi(p, buyer.user.email, PASSWORD, `/sessions/${session.sessionId}`);
    await seatMap(p).waitFor();
    await clickSeat(p, env.stack.api, session.sessionId, { section: 'Back', row: 'B', number: 3 });
    await p.getByRole('button', { name: 'Hold 1 seat' }).click();
    const countdown = p.getByTestId('countdown');
    await countdown.waitFor();

    await p.getByLabel('Declined card').check();
    await p.getByRole('button', { name: /^Pay 30.50 EUR/ }).click();
    await p.getByRole('alert').filter({ hasText: 'Your card was declined' }).waitFor();
    await expect(p.getByRole('alert').filter({ hasText: 'Your card was declined' }).textContent()).resolves.toContain('your seats are still held');
    // The countdown is still there and still running.
    const before = await countdown.textContent();
    await waitForTextChange(p, '[data-testid=countdown]', before);
    await screenshot(p, 'buyer-declined');
    const reservations = await env.stack.api.expect(200, 'GET', '/api/v1/reservations', { token: buyer.token });
    expect(reservations.items[0].status).toBe('active');

    await p.getByLabel('Visa test card (pays)').check();
    await p.getByRole('button', { name: /^Pay 30.50 EUR/ }).click();
    await p.getByText('Paid: your tickets are ready').waitFor();
    await expect(p.getByTestId('ticket').count()).resolves.toBe(1);
  });

  it('a seat taken by someone else between picking and holding is marked on the map and dropped from the picks', async () => {
    const buyer = await env.stack.newCustomer('late');
    const rival = await env.stack.newCustomer('rival');
    const p = await page();
    await signInThroughUi(p, buyer.user.email, PASSWORD, `/sessions/${session.sessionId}`);
    await seatMap(p).waitFor();
    await clickSeat(p, env.stack.api, session.sessionId, { section: 'Back', row: 'C', number: 5 });
    await p.getByRole('list', { name: 'Picked seats' }).waitFor();
    const seat = session.seats.find((s) => s.section === 'Back' && s.row === 'C' && s.number === 5)!;
    await env.stack.api.expect(201, 'POST', '/api/v1/reservations', {
      token: rival.token,
      headers: { 'Idempotency-Key': `rival-${Date.now()}` },
      body: { sessionId: session.sessionId, seatIds: [seat.seatId] },
    });
    // The live stream usually gets there first; a 409 on the hold says the same. Either way the buyer is told.
    await p.getByRole('alert').filter({ hasText: /just taken/ }).waitFor();
    await expect(p.getByRole('list', { name: 'Picked seats' }).count()).resolves.toBe(0);
    await screenshot(p, 'buyer-seat-taken');
  });

  it('a buyer waits in an open waiting room, sees their place, and is admitted to the seat map', async () => {
    const roomSession = await smallSession(env.stack.api, organizer.token);
    // One admission at once, then one a second: twenty buyers ahead keep this one waiting for about 20 s
    // after the room opens, long enough to see the queue even on a busy machine.
    const ahead = await Promise.all(Array.from({ length: 20 }, () => env.stack.newCustomer('ahead')));
    const buyer = await env.stack.newCustomer('queued');
    await env.stack.api.expect(200, 'PUT', `/api/v1/sessions/${roomSession.sessionId}/waiting-room`, { token: organizer.token, body: { enabled: true, admissionsPerMinute: 60 } });
    await Promise.all(ahead.map((a) => env.stack.api.expect(201, 'POST', `/api/v1/sessions/${roomSession.sessionId}/queue`, { token: a.token })));
    const p = await page({ width: 375 });
    await signInThroughUi(p, buyer.user.email, PASSWORD, `/sessions/${roomSession.sessionId}`);
    const position = p.getByTestId('queue-position');
    await position.waitFor();
    await expect(position.textContent()).resolves.toMatch(/Your place in the queue: \d+Estimated wait: (less than a minute|about \d+ minutes?)/);
    await screenshot(p, 'buyer-waiting-room-375px');

    await seatMap(p).waitFor({ timeout: 60_000 });
    await seatMap(p).focus();
    await p.keyboard.press('Enter');
    await p.getByRole('button', { name: 'Hold 1 seat' }).click();
    // The hold went through with the admission token.
    await p.getByTestId('countdown').waitFor();
    await screenshot(p, 'buyer-admitted-checkout-375px');
  });
});
