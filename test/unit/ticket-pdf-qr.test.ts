import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import type { TicketDocument } from '../../contracts/booking';
import { qrRuns, renderTicketsPdf, type QrRun } from '../../services/booking/tickets/ticket-pdf';
import { signTicketCode } from '../../services/booking/tickets/ticket-code';
import { createTicketKeys } from '../../services/booking/tickets/ticket-keys';

const longCode = signTicketCode(createTicketKeys('local-dev-ticket-keypair-secret-0123456789'), {
  ticketId: '7b3e9a44-1f0e-4c59-8f5e-3a2b1c0d9e12',
  eventId: '0f8c2d7e-5b1a-4e3f-9c6d-2a1b0c9d8e7f',
  sessionId: 'c4d5e6f7-a8b9-4c0d-8e1f-2a3b4c5d6e7f',
});

const ticket = (code: string, seat = 12): TicketDocument => ({
  ticketId: `7b3e9a44-1f0e-4c59-8f5e-3a2b1c0d9e${String(seat).padStart(2, '0')}`,
  code,
  eventTitle: 'Symphony Under the Stars',
  sessionStartsAt: '2026-12-24T19:30:00.000Z',
  seat: { section: 'Balcony', row: 'C', number: seat, tier: 'VIP', price: { amount: '120.00', currency: 'EUR' } },
  holderName: 'Ada Lovelace',
  issuedAt: '2026-11-01T10:00:00.000Z',
});

/** The module matrix the qrcode encoder produces, as rows of 0/1. */
function expectedMatrix(text: string): number[][] {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  return Array.from({ length: size }, (_, r) => Array.from(data.subarray(r * size, (r + 1) * size)));
}

function matrixFromRuns(size: number, runs: QrRun[]): number[][] {
  const m = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const { row, col, length } of runs) {
    for (let c = col; c < col + length; c++) {
      // A module painted twice means overlapping runs, which the drawing must not produce.
      expect(m[row]![c]).toBe(0);
      m[row]![c] = 1;
    }
  }
  return m;
}

/** The decompressed content streams of a pdfkit document, in the order they appear. */
function contentStreams(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const out: string[] = [];
  const re = /\/Filter \/FlateDecode[^]*?>>\s*stream\r?\n/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    out.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
  }
  return out;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const rects = (content: string): Rect[] =>
  [...content.matchAll(/^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re$/gm)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    w: Number(m[3]),
    h: Number(m[4]),
  }));

/** Reads back the module grid a page's rectangles paint, assuming one square module per rect height. */
function matrixFromRects(size: number, rs: Rect[]): { matrix: number[][]; unit: number; left: number; top: number } {
  const unit = rs[0]!.h;
  const left = Math.min(...rs.map((r) => r.x));
  const top = Math.min(...rs.map((r) => r.y));
  const runs = rs.map((r) => {
    expect(r.h).toBeCloseTo(unit, 4);
    return { row: Math.round((r.y - top) / unit), col: Math.round((r.x - left) / unit), length: Math.round(r.w / unit) };
  });
  return { matrix: matrixFromRuns(size, runs), unit, left, top };
}

describe('ticket QR drawn as vector runs', () => {
  it.each([
    ['a short code', 'tkt.v1.payload-12.signature'],
    ['a signed TKT3 code', longCode],
    ['another TKT3 code', longCode.replace('9e12', '9e13')],
  ])('qrRuns of %s rebuild the encoder’s module matrix exactly', (_, code) => {
    const expected = expectedMatrix(code);
    const { size, runs } = qrRuns(code);
    expect(size).toBe(expected.length);
    expect(matrixFromRuns(size, runs)).toEqual(expected);
  });

  it('merges each horizontal stretch of dark modules into one maximal run', () => {
    const { size, runs } = qrRuns(longCode);
    const m = expectedMatrix(longCode);
    for (const r of runs) {
      expect(r.col === 0 || m[r.row]![r.col - 1] === 0).toBe(true);
      expect(r.col + r.length === size || m[r.row]![r.col + r.length] === 0).toBe(true);
    }
    // The 7-module top edge of the top-left finder pattern is a single run.
    expect(runs[0]).toEqual({ row: 0, col: 0, length: 7 });
  });

  it('different codes give different symbols', () => {
    expect(qrRuns(longCode).runs).not.toEqual(qrRuns(longCode.replace('9e12', '9e13')).runs);
  });

  it('embeds no image: the PDF carries the QR as rectangles', async () => {
    const pdf = await renderTicketsPdf([ticket(longCode)]);
    expect(pdf.toString('latin1')).not.toMatch(/\/Subtype\s*\/Image/);
    expect(pdf.toString('latin1')).not.toMatch(/\/XObject/);
  });

  it('paints, on each page, the QR of that page’s ticket at the printed size, centred, with a 2-module quiet zone', async () => {
    const codes = [longCode, longCode.replace('9e12', '9e13')];
    const pdf = await renderTicketsPdf(codes.map((c, i) => ticket(c, 12 + i)));
    const pageWidth = Number(/\/MediaBox \[0 0 ([\d.]+) [\d.]+\]/.exec(pdf.toString('latin1'))![1]);
    const pages = contentStreams(pdf).filter((s) => rects(s).length > 0);
    expect(pages).toHaveLength(codes.length);
    pages.forEach((content, i) => {
      const expected = expectedMatrix(codes[i]!);
      const { matrix, unit, left } = matrixFromRects(expected.length, rects(content));
      expect(matrix).toEqual(expected);
      const quiet = 2 * unit;
      expect(unit * (expected.length + 4)).toBeCloseTo(220, 3);
      expect(left - quiet).toBeCloseTo((pageWidth - 220) / 2, 3);
      // All modules form one path, filled (not stroked) once, in black.
      const lines = content.split('\n');
      const first = lines.findIndex((l) => l.endsWith(' re'));
      const last = lines.length - 1 - [...lines].reverse().findIndex((l) => l.endsWith(' re'));
      const paints = lines.map((l, n) => ({ l, n })).filter(({ l }) => /^(f\*?|[SsBbn]\*?)$/.test(l));
      expect(paints.filter(({ n }) => n > first && n < last)).toEqual([]);
      expect(paints.find(({ n }) => n > last)?.l).toBe('f');
      expect(lines.slice(0, first).filter((l) => / (scn|rg)$/.test(l)).at(-1)).toBe('0 0 0 scn');
    });
  });
});
