import type { Page } from 'playwright-core';
import { DEMO_ADMIN } from '../../contracts/platform';
import { smallSession } from '../support/catalog';
import { seriousViolations, type Violation } from './support/axe';
import { openPage, stackAndBrowser, screenshot, signInThroughUi, waitForLoadedImages } from './support/browser';
import { paidBooking, PASSWORD } from './support/journeys';
import { seatMap } from './support/seat-map';

jest.setTimeout(180_000);

const env = stackAndBrowser();

/**
 * axe-core (WCAG 2.1 A and AA rules) on every main screen, each in the
 * state a person sees it: no serious or critical violation anywhere. Each
 * screen is also saved as a screenshot.
 */
describe('accessibility of the main screens', () => {
  it('has no serious or critical axe violations for buyers, organizers, door staff and admins', async () => {
    const organizer = await env.stack.newUserWithRole('organizer');
    const session = await smallSession(env.stack.api, organizer.token);
    const buyer = await env.stack.newCustomer('a11y-buyer');
    const { tickets } = await paidBooking(env.stack, buyer, session.sessionId, [session.seats[0]!.seatId]);
    const staff = await env.stack.newUserWithRole('staff');
    const applicant = await env.stack.newCustomer('applicant');
    await env.stack.api.expect(201, 'POST', '/api/v1/organizer-applications', { token: applicant.token, body: { organizationName: 'River Events', details: 'Concerts by the river.' } });

    const found: Record<string, Violation[]> = {};
    const check = async (page: Page, name: string, ready: () => Promise<unknown>) => {
      await ready();
      const { serious, rulesPassed } = await seriousViolations(page);
      expect(rulesPassed).toBeGreaterThan(10);
      found[name] = serious;
      await screenshot(page, `a11y-${name}`);
    };
    const heading = (page: Page, name: string | RegExp) => () => page.getByRole('heading', { level: 1, name }).waitFor();

    const anon = await openPage(env.browser, env.stack.api.baseUrl);
    await anon.page.goto('/');
    await check(anon.page, 'events', () => anon.page.getByRole('link', { name: /^Test Event/ }).first().waitFor());
    await anon.page.goto(`/events/${session.eventId}`);
    await check(anon.page, 'event', () => anon.page.getByRole('link', { name: /Choose seats/ }).waitFor());
    await anon.page.goto(`/sessions/${session.sessionId}`);
    await check(anon.page, 'seat-map', () => seatMap(anon.page).waitFor());
    await anon.page.goto('/sign-in');
    await check(anon.page, 'sign-in', heading(anon.page, 'Sign in'));

    const phone = await openPage(env.browser, env.stack.api.baseUrl, { width: 375, height: 800 });
    await signInThroughUi(phone.page, buyer.user.email, PASSWORD, `/sessions/${session.sessionId}`);
    await seatMap(phone.page).focus();
    await phone.page.keyboard.press('Enter');
    await check(phone.page, 'seat-map-picked-375px', () => phone.page.getByRole('button', { name: 'Hold 1 seat' }).waitFor());
    await phone.page.getByRole('button', { name: 'Hold 1 seat' }).click();
    await check(phone.page, 'checkout-375px', () => phone.page.getByTestId('countdown').waitFor());
    await phone.page.getByRole('button', { name: 'Cancel hold' }).click();
    await phone.page.goto('/tickets');
    await check(phone.page, 'tickets-375px', () => waitForLoadedImages(phone.page, 'img.qr', 1));
    await phone.page.goto('/bookings');
    await check(phone.page, 'bookings-375px', () => phone.page.getByRole('table').waitFor());

    const org = await openPage(env.browser, env.stack.api.baseUrl);
    await signInThroughUi(org.page, organizer.user.email, PASSWORD, '/organizer');
    await check(org.page, 'organizer', () => org.page.getByRole('link', { name: /^Test Event/ }).waitFor());
    await org.page.goto('/organizer/venues');
    await org.page.getByRole('button', { name: /^Add a hall/ }).first().click();
    await check(org.page, 'hall-editor', () => org.page.getByRole('img', { name: /^Preview: 60 seats/ }).waitFor());
    await org.page.goto(`/organizer/events/${session.eventId}`);
    await check(org.page, 'organizer-event', () => org.page.getByRole('button', { name: 'Add date' }).waitFor());
    await org.page.goto(`/organizer/events/${session.eventId}/sales`);
    await check(org.page, 'sales', () => org.page.getByRole('table').waitFor());

    const door = await openPage(env.browser, env.stack.api.baseUrl, { width: 375, height: 800 });
    await signInThroughUi(door.page, staff.user.email, PASSWORD, `/door?event=${session.eventId}`);
    await door.page.getByLabel('Ticket code').fill(tickets[0]!.code);
    await door.page.getByRole('button', { name: 'Check ticket' }).click();
    await check(door.page, 'door-375px', () => door.page.getByTestId('door-result').waitFor());

    const admin = await openPage(env.browser, env.stack.api.baseUrl);
    await signInThroughUi(admin.page, DEMO_ADMIN.email, DEMO_ADMIN.password, '/admin');
    await check(admin.page, 'admin', () => admin.page.getByRole('heading', { name: 'River Events' }).waitFor());

    const report = Object.entries(found).flatMap(([screen, vs]) => vs.map((v) => `${screen}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(', ')}`));
    if (report.length) console.log(report.join('\n'));
    expect(report).toEqual([]);
    expect(Object.keys(found)).toHaveLength(14);
    for (const t of [anon, phone, org, door, admin]) expect(t.errors).toEqual([]);
  });
});
