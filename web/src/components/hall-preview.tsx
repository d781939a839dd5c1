import { useEffect, useMemo, useRef } from 'preact/hooks';
import { previewHall, type SeatPlace } from '../lib/seat-layout';

/**
 * The organizer's live preview of a hall being drawn: the same geometry the
 * buyers' seat map uses, every seat in one colour per section.
 */
export function HallPreview({ seats, label }: { seats: readonly SeatPlace[]; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const layout = useMemo(() => previewHall(seats), [seats]);
  useEffect(() => {
    const c = canvas.current!;
    const width = c.parentElement!.clientWidth || 320;
    const scale = Math.min(2, width / layout.width);
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(width * dpr);
    c.height = Math.round(layout.height * scale * dpr);
    c.style.height = `${Math.round(layout.height * scale)}px`;
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, ((width - layout.width * scale) / 2) * dpr, 0);
    ctx.fillStyle = '#e5e7eb';
    ctx.fillRect(layout.stage.x, layout.stage.y, layout.stage.width, layout.stage.height);
    ctx.fillStyle = '#374151';
    ctx.font = '600 10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText('STAGE', layout.stage.x + layout.stage.width / 2, layout.stage.y + layout.stage.height / 2 + 4);
    for (const b of layout.sections) ctx.fillText(b.name, b.x + b.width / 2, b.y + 10, b.width + 20);
    const colours = ['#0f766e', '#7b2cbf', '#c2410c', '#1d4ed8'];
    const section = new Map(layout.sections.map((b, k) => [b.name, k]));
    seats.forEach((s, i) => {
      ctx.fillStyle = colours[(section.get(s.section) ?? 0) % colours.length]!;
      ctx.fillRect(layout.xs[i]! - 5, layout.ys[i]! - 5, 10, 10);
    });
  }, [layout, seats]);
  return (
    <figure class="hall-preview">
      <canvas ref={canvas} role="img" aria-label={label} />
      <figcaption class="muted">{label}</figcaption>
    </figure>
  );
}
