import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { TicketDocument } from '../../../contracts/booking';
import { seatLabel } from '../../../contracts/domain';


function readableStart(iso: string): { utc: string; readable: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { utc: iso, readable: iso };
  const readable = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(d);
  return { utc: d.toISOString(), readable };
}

/** A horizontal stretch of dark modules in one row of a QR symbol, in module units (no quiet zone). */
export interface QrRun {
  row: number;
  col: number;
  length: number;
}

/**
 * The dark modules of `text`'s QR symbol as horizontal runs. Drawing these as
 * vector rectangles replaces a PNG that pdfkit would otherwise encode, inflate
 * and re-deflate for every ticket, which dominated the CPU of a flash sale.
 */
export function qrRuns(text: string): { size: number; runs: QrRun[] } {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const runs: QrRun[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      runs.push({ row, col: start, length: col - start });
    }
  }
  return { size, runs };
}

/** Light modules around the symbol that scanners need to find its edges. */
const QUIET_ZONE = 2;

/** Draws the QR of `text` filling the square at (x, y) of side `side`, quiet zone included. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number): void {
  const { size, runs } = qrRuns(text);
  const unit = side / (size + 2 * QUIET_ZONE);
  // One path and one fill: abutting rectangles of a single path rasterise without hairline seams.
  for (const r of runs) doc.rect(x + (r.col + QUIET_ZONE) * unit, y + (r.row + QUIET_ZONE) * unit, r.length * unit, unit);
  doc.fill('black');
}

/** One A5 page per ticket, with the QR code of its signed code. */
export async function renderTicketsPdf(tickets: TicketDocument[]): Promise<Buffer> {
  if (tickets.length === 0) throw new Error('renderTicketsPdf needs at least one ticket');
  const issued = tickets[0]!.issuedAt ? new Date(tickets[0]!.issuedAt) : undefined;
  const doc = new PDFDocument({
    size: 'A5',
    margin: 36,
    autoFirstPage: false,
    info: {
      Title: `Tickets: ${tickets[0]!.eventTitle}`,
      Author: 'Ticketing',
      ...(issued && !Number.isNaN(issued.getTime()) ? { CreationDate: issued, ModDate: issued } : {}),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  tickets.forEach((t, i) => {
    doc.addPage();
    const width = doc.page.width - 72;
    const start = readableStart(t.sessionStartsAt);
    doc.font('Helvetica-Bold').fontSize(18).text(t.eventTitle, { width });
    doc.moveDown(0.3);
    doc.font('Helvetica').fontSize(11).text(start.readable);
    doc.fontSize(9).fillColor('#555555').text(`Starts ${start.utc} (UTC)`).fillColor('black');
    const place = [t.venue, t.hall].filter(Boolean).join(', ');
    if (place) doc.fontSize(11).text(place);
    doc.moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(13).text(seatLabel(t.seat));
    doc.font('Helvetica').fontSize(11).text(`${t.seat.tier}: ${t.seat.price.amount} ${t.seat.price.currency}`);
    doc.moveDown(0.5);
    doc.text(`Holder: ${t.holderName}`);
    doc.fontSize(8).fillColor('#555555').text(`Ticket ${t.ticketId}`).fillColor('black');
    doc.moveDown(0.8);
    const size = 220;
    drawQr(doc, t.code, (doc.page.width - size) / 2, doc.y, size);
    doc.y += size + 8;
    doc
      .fontSize(8)
      .fillColor('#555555')
      .text(`Show this code at the door. Ticket ${i + 1} of ${tickets.length}.`, 36, doc.y, { width, align: 'center' });
  });
  doc.end();
  return done;
}
