import { openPage, stackAndBrowser, screenshot, signInThroughUi } from './support/browser';
import { PASSWORD } from './support/journeys';

jest.setTimeout(120_000);

const env = stackAndBrowser();

/** A local date-time input's value, `days` from now at 20:00 (+ `hours`). */
const localInput = (days: number, hours = 0) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setHours(20 + hours, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

describe('the organizer web app', () => {
  it('creates a venue, a hall with a preview, an event and a session, publishes it, and buyers find it in search', async () => {
    const organizer = await env.stack.newUserWithRole('organizer');
    const title = `Midsummer Night ${Date.now()}`;
    const { page, errors } = await openPage(env.browser, env.stack.api.baseUrl);
    await signInThroughUi(page, organizer.user.email, PASSWORD, '/organizer');
    await page.getByRole('heading', { name: 'Your events' }).waitFor();

    await page.getByRole('link', { name: 'Venues and halls' }).click();
    await page.getByLabel('Name').fill('Riverside Theatre');
    await page.getByLabel('City').fill('Lisbon');
    await page.getByLabel('Address').fill('1 River Street');
    await page.getByRole('button', { name: 'Create venue' }).click();
    await page.getByRole('heading', { name: 'Riverside Theatre' }).waitFor();

    await page.getByRole('button', { name: 'Add a hall to Riverside Theatre' }).click();
    await page.getByLabel('Hall name').fill('Main Stage');
    await page.getByLabel('Seats per row, front to back').fill('4x12');
    await page.getByRole('button', { name: 'Add a section' }).click();
    await page.getByLabel('Section name').nth(1).fill('Balcony');
    await page.getByLabel('Seats per row, front to back').nth(1).fill('10, 12, 14');
    // The preview follows the draft as it is typed.
    await page.getByRole('img', { name: 'Preview: 84 seats in 2 sections' }).waitFor();
    await screenshot(page, 'organizer-hall-editor');
    await page.getByRole('button', { name: 'Create hall' }).click();
    await page.getByText('Main Stage: 84 seats in Stalls, Balcony').waitFor();

    await page.getByRole('link', { name: 'Organizer' }).click();
    await page.getByRole('link', { name: 'New event' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('A night of Shakespeare by the river.');
    await page.getByLabel('Category').selectOption('theatre');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    await expect(page.getByRole('button', { name: 'Publish' }).isDisabled()).resolves.toBe(true);

    await page.getByLabel('Starts').fill(localInput(30));
    await page.getByLabel('Ends').fill(localInput(30, 2));
    await page.getByLabel('Stalls: price').fill('45');
    await page.getByLabel('Balcony: tier').fill('Upper');
    await page.getByLabel('Balcony: price').fill('25.50');
    await page.getByRole('button', { name: 'Add date' }).click();
    await page.getByText('Date added.').waitFor();
    await page.getByText('Stalls 45.00 EUR (Stalls) · Upper 25.50 EUR (Balcony)').waitFor();

    // Cancelling asks first, and says what it does to bookings.
    await page.getByRole('button', { name: 'Cancel event' }).click();
    const dialog = page.getByRole('dialog', { name: `Cancel "${title}"?` });
    await expect(dialog.textContent()).resolves.toContain('every booking will be refunded');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: the event is now listed and on sale.').waitFor();
    await screenshot(page, 'organizer-event');

    await page.getByRole('link', { name: 'Sales' }).click();
    await page.getByRole('row', { name: /^Total 84 0 0 84 0\.00 EUR / }).waitFor();
    await screenshot(page, 'organizer-sales');

    // A buyer, not signed in, finds it.
    const buyer = await openPage(env.browser, env.stack.api.baseUrl, { width: 375 });
    await buyer.page.goto('/');
    await buyer.page.getByLabel('Search').fill('Midsummer');
    await buyer.page.getByLabel('Category').selectOption('theatre');
    await buyer.page.getByRole('button', { name: 'Search' }).click();
    await buyer.page.getByRole('link', { name: title }).click();
    await buyer.page.getByText('84 of 84 places available').waitFor();
    await buyer.page.getByRole('link', { name: /Choose seats/ }).waitFor();
    await screenshot(buyer.page, 'buyer-event-375px');
    expect([...errors, ...buyer.errors]).toEqual([]);
  });
});
