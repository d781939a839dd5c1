import { smallSession } from '../support/catalog';
import { openPage, stackAndBrowser, screenshot, signInThroughUi } from './support/browser';
import { PASSWORD } from './support/journeys';
import { currentSeat, seatMap } from './support/seat-map';

jest.setTimeout(120_000);

/** Short holds, and a confirm that answers 202 after a second while a slow card (tok_slow, 3 s) settles. */
const HOLD_TTL_SECONDS = 8;
const PAYMENT_WAIT_SECONDS = 1;

const env = stackAndBrowser({ holdTtlSeconds: HOLD_TTL_SECONDS, env: { booking: { PAYMENT_WAIT_SECONDS: String(PAYMENT_WAIT_SECONDS) } } });

describe('checkout timing in the web app', () => {
  it('shows the expiry message when the countdown runs out, and the seat is free again on the map', async () => {
    const organizer = await env.stack.newUserWithRole('organizer');
    const session = await smallSession(env.stack.api, organizer.token);
    const buyer = await env.stack.newCustomer('slow-buyer');
    const { page, errors } = await openPage(env.browser, env.stack.api.baseUrl);
    await signInThroughUi(page, buyer.user.email, PASSWORD, `/sessions/${session.sessionId}`);
    await seatMap(page).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Hold 1 seat' }).click();
    const countdown = page.getByTestId('countdown');
    await countdown.waitFor();
    expect(Number((await countdown.textContent())!.split(':')[1])).toBeLessThanOrEqual(HOLD_TTL_SECONDS);

    const expired = page.getByRole('alert').filter({ hasText: 'Your hold expired' });
    await expired.waitFor({ timeout: (HOLD_TTL_SECONDS + 10) * 1000 });
    await expect(expired.textContent()).resolves.toContain('The seats were released');
    await expect(countdown.count()).resolves.toBe(0);
    await screenshot(page, 'buyer-hold-expired');

    // The stream sends the lapsed hold as available: the seat can be picked again.
    await seatMap(page).focus();
    await currentSeat(page).filter({ hasText: 'Section Front, row A, seat 1, VIP, 120.00 EUR, available' }).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('follows a slow payment (202 processing) by polling until the tickets are issued', async () => {
    const organizer = await env.stack.newUserWithRole('organizer');
    const session = await smallSession(env.stack.api, organizer.token);
    const buyer = await env.stack.newCustomer('slow-card');
    const { page, errors } = await openPage(env.browser, env.stack.api.baseUrl);
    await signInThroughUi(page, buyer.user.email, PASSWORD, `/sessions/${session.sessionId}`);
    await seatMap(page).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Hold 1 seat' }).click();
    await page.getByTestId('countdown').waitFor();
    await page.getByLabel('Slow card (answers after a few seconds)').check();
    await page.getByRole('button', { name: /^Pay 120.00 EUR/ }).click();
    await page.getByRole('status').filter({ hasText: 'Payment processing' }).waitFor();
    await screenshot(page, 'buyer-payment-processing');
    await page.getByText('Paid: your tickets are ready').waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('ticket').count()).resolves.toBe(1);
    expect(errors).toEqual([]);
  });
});
