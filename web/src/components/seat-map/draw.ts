import type { HallLayout } from '../../lib/seat-layout';
import type { SeatStatus } from '../../api/seat-map';

/**
 * Draws a hall on a canvas: stage, section names, and every seat coloured
 * by tier (available), grey (taken) or dark (picked). Seats are batched into
 * one path per colour, so a 5,000-seat hall is a handful of fill() calls.
 */

/** Tier colours, highest price first; each has at least 3:1 contrast on white (WCAG 1.4.11). */
export const TIER_COLOURS = ['#7b2cbf', '#0f766e', '#c2410c', '#1d4ed8', '#b91c1c', '#4d7c0f', '#a16207', '#be185d'];
export const TAKEN_COLOUR = '#9ca3af';
export const PICKED_COLOUR = '#111827';
const FOCUS_COLOUR = '#2563eb';

export interface DrawInput {
  layout: HallLayout;
  status(i: number): SeatStatus;
  /** Colour index of seat i's tier. */
  tierOf(i: number): number;
  picked: ReadonlySet<number>;
  /** The keyboard's seat, ringed while the map has focus. */
  focused?: number;
}

export function drawHall(ctx: CanvasRenderingContext2D, d: DrawInput) {
  const { layout } = d;
  ctx.clearRect(0, 0, layout.width, layout.height);

  ctx.fillStyle = '#e5e7eb';
  const s = layout.stage;
  ctx.fillRect(s.x, s.y, s.width, s.height);
  ctx.fillStyle = '#374151';
  ctx.font = '600 11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('STAGE', s.x + s.width / 2, s.y + s.height / 2);

  ctx.fillStyle = '#374151';
  ctx.font = '600 10px system-ui, sans-serif';
  for (const b of layout.sections) ctx.fillText(b.name, b.x + b.width / 2, b.y + 7, b.width + 20);

  // One path per colour: [tier colours..., taken, picked].
  const paths = Array.from({ length: TIER_COLOURS.length + 2 }, () => new Path2D());
  const taken = TIER_COLOURS.length;
  const full = layout.seatSize;
  const small = full * 0.6;
  for (let i = 0; i < layout.xs.length; i++) {
    const x = layout.xs[i]!;
    const y = layout.ys[i]!;
    if (d.picked.has(i)) paths[taken + 1]!.rect(x - full / 2, y - full / 2, full, full);
    else if (d.status(i) !== 'available') paths[taken]!.rect(x - small / 2, y - small / 2, small, small);
    else paths[d.tierOf(i) % TIER_COLOURS.length]!.rect(x - full / 2, y - full / 2, full, full);
  }
  paths.forEach((p, k) => {
    ctx.fillStyle = k < taken ? TIER_COLOURS[k]! : k === taken ? TAKEN_COLOUR : PICKED_COLOUR;
    ctx.fill(p);
  });

  if (d.focused !== undefined) {
    ctx.strokeStyle = FOCUS_COLOUR;
    ctx.lineWidth = 2;
    const x = layout.xs[d.focused]!;
    const y = layout.ys[d.focused]!;
    ctx.strokeRect(x - full / 2 - 2, y - full / 2 - 2, full + 4, full + 4);
  }
}
