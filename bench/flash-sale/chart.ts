/**
 * A self-contained SVG of the sale over time, per-second buckets: requests
 * completed per second per endpoint (top), and p50/p99 latency of
 * POST /reservations started in each second (bottom, log scale).
 */
import { ENDPOINTS, type Endpoint, type SecondBucket } from './recorder';

const COLORS: Record<Endpoint, string> = {
  'GET /sessions/{id}/availability': '#1f77b4',
  'GET /sessions/{id}/layout': '#17becf',
  'POST /reservations': '#d62728',
  'POST /reservations/{id}/confirm': '#2ca02c',
  'DELETE /reservations/{id}': '#9467bd',
  'POST /sessions/{id}/queue': '#ff7f0e',
  'GET /queue/{token}': '#8c564b',
};

const W = 960;
const PANEL_H = 230;
const LEFT = 70;
const RIGHT = 250;
const TOP = 40;
const GAP = 60;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

export function saleChart(title: string, buckets: SecondBucket[]): string {
  const plotW = W - LEFT - RIGHT;
  const n = Math.max(1, buckets.length);
  const x = (sec: number) => LEFT + (plotW * sec) / Math.max(1, n - 1);
  const out: string[] = [];
  const H = TOP + 2 * PANEL_H + GAP + 50;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);

  const xAxis = (y0: number) => {
    const step = niceMax(n / 10);
    for (let s = 0; s < n; s += step) {
      out.push(`<line x1="${x(s)}" y1="${y0}" x2="${x(s)}" y2="${y0 + 4}" stroke="#333"/>`);
      out.push(`<text x="${x(s)}" y="${y0 + 16}" text-anchor="middle">${s}s</text>`);
    }
  };
  const line = (points: [number, number][], color: string, dash = '') => {
    const segs: string[] = [];
    let open = false;
    for (const [px, py] of points) {
      if (!Number.isFinite(py)) {
        open = false;
        continue;
      }
      segs.push(`${open ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`);
      open = true;
    }
    if (segs.length) out.push(`<path d="${segs.join(' ')}" fill="none" stroke="${color}" stroke-width="1.6"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
  };
  const legend = (y: number, items: [string, string, string?][]) =>
    items.forEach(([label, color, dash], i) => {
      const ly = y + i * 18;
      out.push(`<line x1="${W - RIGHT + 15}" y1="${ly}" x2="${W - RIGHT + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
      out.push(`<text x="${W - RIGHT + 46}" y="${ly + 4}">${esc(label)}</text>`);
    });

  // Top: throughput.
  const used = ENDPOINTS.filter((e) => buckets.some((b) => b.requests.has(e)));
  const maxRps = niceMax(Math.max(1, ...buckets.flatMap((b) => used.map((e) => b.requests.get(e) ?? 0))));
  const y1 = (v: number) => TOP + PANEL_H - (PANEL_H * v) / maxRps;
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxRps * i) / 4;
    out.push(`<line x1="${LEFT}" y1="${y1(v)}" x2="${LEFT + plotW}" y2="${y1(v)}" stroke="#eee"/>`);
    out.push(`<text x="${LEFT - 6}" y="${y1(v) + 4}" text-anchor="end">${v}</text>`);
  }
  out.push(`<text x="16" y="${TOP + PANEL_H / 2}" transform="rotate(-90 16 ${TOP + PANEL_H / 2})" text-anchor="middle">requests/s</text>`);
  for (const e of used) line(buckets.map((b) => [x(b.second), y1(b.requests.get(e) ?? 0)]), COLORS[e]);
  legend(TOP + 10, used.map((e) => [e, COLORS[e]]));
  xAxis(TOP + PANEL_H);

  // Bottom: latency of POST /reservations, log scale.
  const top2 = TOP + PANEL_H + GAP;
  const lat = buckets.flatMap((b) => [b.reserveP50, b.reserveP99]).filter((v) => Number.isFinite(v) && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...lat, 1000))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(lo * 10, ...lat)));
  const y2 = (v: number) => (v > 0 ? top2 + PANEL_H - (PANEL_H * Math.log10(v / lo)) / Math.log10(hi / lo) : NaN);
  out.push(`<rect x="${LEFT}" y="${top2}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
  for (let v = lo; v <= hi; v *= 10) {
    out.push(`<line x1="${LEFT}" y1="${y2(v)}" x2="${LEFT + plotW}" y2="${y2(v)}" stroke="#eee"/>`);
    out.push(`<text x="${LEFT - 6}" y="${y2(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000}s` : `${v}ms`}</text>`);
  }
  out.push(`<text x="16" y="${top2 + PANEL_H / 2}" transform="rotate(-90 16 ${top2 + PANEL_H / 2})" text-anchor="middle">POST /reservations latency</text>`);
  line(buckets.map((b) => [x(b.second), y2(b.reserveP50)]), COLORS['POST /reservations']);
  line(buckets.map((b) => [x(b.second), y2(b.reserveP99)]), COLORS['POST /reservations'], '5,3');
  legend(top2 + 10, [
    ['p50 (by second started)', COLORS['POST /reservations']],
    ['p99', COLORS['POST /reservations'], '5,3'],
  ]);
  xAxis(top2 + PANEL_H);
  out.push(`<text x="${LEFT + plotW / 2}" y="${H - 8}" text-anchor="middle">seconds since the sale opened</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
