import { seatState } from '../support/organizer';
import { ARTIFACTS, openPage, stackAndBrowser, screenshot } from './support/browser';
import { hallSession } from './support/hall-session';
import { currentSeat, layoutSeats, seatMap, sessionLayout } from './support/seat-map';

jest.setTimeout(120_000);

const env = stackAndBrowser();

describe('a 5,000-seat seat map', () => {
  it('is drawn from the layout and the availability, and how long the layout and the drawing took is printed (measured in the browser, never asserted)', async () => {
    const organizer = await env.stack.newUserWithRole('organizer');
    const sections = ['Stalls A', 'Stalls B', 'Circle', 'Gallery'].map((name) => ({ name, rows: 25, seats: 50 }));
    const { sessionId } = await hallSession(env.stack.api, organizer.token, sections);
    const seats = layoutSeats(await sessionLayout(env.stack.api, sessionId));
    expect(seats).toHaveLength(5_000);
    // Every seventh seat sold, so the map shows a sale in progress.
    const sold = seats.filter((_, i) => i % 7 === 3).map((s) => s.seatId);
    for (let k = 0; k < sold.length; k += 50) await seatState(env.stack).sell(sessionId, sold.slice(k, k + 50));

    const { page, errors } = await openPage(env.browser, env.stack.api.baseUrl, { width: 1280, height: 900 });
    // What the app reads for the map: the layout's and the availability's answers, as the browser got them.
    const reading: Promise<{ path: string; status: number; bytes: number; encoding?: string; cacheControl?: string }>[] = [];
    page.on('response', (r) => {
      const { pathname, search } = new URL(r.url());
      if (!/\/api\/v1\/sessions\/[^/]+\/(layout|availability)$/.test(pathname)) return;
      const h = r.headers();
      reading.push(r.request().sizes().then((sizes) => ({ path: `${pathname.split('/').at(-1)}${search}`, status: r.status(), bytes: sizes.responseBodySize, encoding: h['content-encoding'], cacheControl: h['cache-control'] })));
    });
    await page.goto(`/sessions/${sessionId}`);
    await seatMap(page).waitFor();
    await page.getByText(`${5_000 - sold.length} of 5000 seats available`).waitFor();
    const measures = await page.evaluate(() =>
      ['seat-map-layout', 'seat-map-draw'].map((name) => {
        const m = performance.getEntriesByName(name, 'measure')[0];
        return { name, ms: m?.duration, seats: (m as { detail?: { seats?: number } } | undefined)?.detail?.seats };
      }),
    );
    const reads = await Promise.all(reading);
    console.log(
      `5,000-seat map in headless Chromium: ${measures.map((m) => `${m.name} ${m.ms?.toFixed(1)} ms (${m.seats} seats)`).join(', ')}; ` +
        `read ${reads.map((r) => `${r.path.replace(/\?.*/, '')} ${r.status} ${r.bytes} B${r.encoding ? ` ${r.encoding}` : ''}`).join(', ')}`,
    );
    expect(measures.map((m) => m.seats)).toEqual([5_000, 5_000]);
    // The layout is read once, by its version, and may be kept for good.
    expect(reads.filter((r) => r.path.startsWith('layout'))).toEqual([expect.objectContaining({ path: expect.stringMatching(/^layout\?version=/), status: 200, cacheControl: 'public, max-age=31536000, immutable' })]);
    expect(reads.filter((r) => r.path === 'availability')).toHaveLength(1);

    // Still usable by keyboard at this size.
    await seatMap(page).focus();
    await page.keyboard.press('End');
    await currentSeat(page).filter({ hasText: /^Section Stalls A, row A, seat 50, VIP, 120.00 EUR, (available|sold)$/ }).waitFor();
    await screenshot(page, 'seat-map-5000');
    await page.screenshot({ path: `${ARTIFACTS}/seat-map-5000-viewport.png` });
    expect(errors).toEqual([]);
  });
});
