import type { TicketDocument } from '../../contracts/booking';
import { renderTicketsPdf } from '../../services/booking/tickets/ticket-pdf';
import { pdfText } from '../support/pdf-text';

const ticket = (over: Partial<TicketDocument> & { seatNumber?: number } = {}): TicketDocument => ({
  ticketId: `7b3e9a44-1f0e-4c59-8f5e-3a2b1c0d9e${String(over.seatNumber ?? 12).padStart(2, '0')}`,
  code: `tkt.v1.payload-${over.seatNumber ?? 12}.signature`,
  eventTitle: 'Symphony Under the Stars',
  sessionStartsAt: '2026-12-24T19:30:00.000Z',
  venue: 'Riverside Concert House',
  hall: 'Grand Hall',
  seat: { section: 'Balcony', row: 'C', number: over.seatNumber ?? 12, tier: 'VIP', price: { amount: '120.00', currency: 'EUR' } },
  holderName: 'Ada Lovelace',
  issuedAt: '2026-11-01T10:00:00.000Z',
  ...over,
});

describe('ticket PDF', () => {
  it('renders one ticket with its event, session, venue, seat, price, holder and id', async () => {
    const t = ticket();
    const pdf = await renderTicketsPdf([t]);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = await pdfText(pdf);
    expect(pages).toHaveLength(1);
    for (const expected of [
      'Symphony Under the Stars',
      'Riverside Concert House, Grand Hall',
      '2026-12-24T19:30:00.000Z',
      '24 December 2026',
      'Section Balcony, Row C, Seat 12',
      'VIP: 120.00 EUR',
      'Holder: Ada Lovelace',
      t.ticketId,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('puts each ticket on its own page', async () => {
    const { pages } = await pdfText(await renderTicketsPdf([ticket({ seatNumber: 3 }), ticket({ seatNumber: 4, holderName: 'Grace Hopper' })]));
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain('Seat 3');
    expect(pages[0]).not.toContain('Seat 4');
    expect(pages[1]).toContain('Seat 4');
    expect(pages[1]).toContain('Grace Hopper');
  });

  it('names the standing area for general admission instead of a row', async () => {
    const { text } = await pdfText(await renderTicketsPdf([ticket({ seat: { section: 'Floor', row: 'GA', number: 57, tier: 'Standing', price: { amount: '30.00', currency: 'EUR' } } })]));
    expect(text).toContain('Standing area Floor');
    expect(text).not.toContain('Row GA');
  });

  it('draws the QR code as vector graphics, not an embedded image (see ticket-pdf-qr.test.ts)', async () => {
    const pdf = (await renderTicketsPdf([ticket()])).toString('latin1');
    expect(pdf).not.toMatch(/\/Subtype \/Image/);
  });

  it('renders the same tickets to the same bytes when the issue date is given', async () => {
    const a = await renderTicketsPdf([ticket()]);
    const b = await renderTicketsPdf([ticket()]);
    expect(a.equals(b)).toBe(true);
    const c = await renderTicketsPdf([ticket({ holderName: 'Someone Else' })]);
    expect(a.equals(c)).toBe(false);
  });

  it('refuses an empty list', async () => {
    await expect(renderTicketsPdf([])).rejects.toThrow(/at least one ticket/);
  });
});
