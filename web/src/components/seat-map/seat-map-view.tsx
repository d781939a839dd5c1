import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SeatMapModel } from '../../api/seat-map';
import { formatMoney } from '../../lib/money';
import { fitHall, neighbour, seatAt, type Direction } from '../../lib/seat-layout';
import { drawHall, PICKED_COLOUR, TAKEN_COLOUR, TIER_COLOURS } from './draw';

const KEYS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down', Home: 'home', End: 'end' };

/** "Section A, row 3, seat 12, VIP, 120.00 EUR, available": what a screen reader says for a seat. */
export function seatLabel(model: SeatMapModel, i: number, picked: boolean): string {
  const s = model.seats[i]!;
  const state = picked ? 'selected' : model.status(i);
  return `Section ${s.section}, row ${s.row}, seat ${s.number}, ${s.tier}, ${formatMoney(s.price)}, ${state}`;
}

export interface SeatMapViewProps {
  model: SeatMapModel;
  picked: ReadonlySet<number>;
  onToggle(i: number): void;
}

/**
 * The seat map: a canvas (thousands of DOM nodes would make a big hall
 * sluggish) with an accessible layer over it. The canvas is hidden from
 * assistive technology; the focusable "application" around it takes arrow
 * keys between seats, Enter or Space to pick, and a live region reads out
 * the current seat. Mouse and touch pick by clicking a seat.
 */
export function SeatMapView({ model, picked, onToggle }: SeatMapViewProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [focused, setFocused] = useState(false);
  const [active, setActive] = useState(() => firstAvailable(model));
  const [tick, setTick] = useState(0);
  const firstDraw = useRef(true);
  const { layout } = model;
  const tierIndex = useMemo(() => {
    const byName = new Map(model.tiers.map((t, k) => [t.name, k]));
    return Int32Array.from(model.seats, (s) => byName.get(s.tier) ?? 0);
  }, [model]);

  // The whole hall in about three quarters of the window where it can be (a stadium scrolls).
  const { scale, offsetX } = width ? fitHall(layout, width, Math.max(320, window.innerHeight * 0.75)) : { scale: 0, offsetX: 0 };

  // Follow the container's width.
  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  // Redraw on live changes, at most once a frame.
  useEffect(() => {
    let frame = 0;
    const off = model.subscribe(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setTick((t) => t + 1));
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
    };
  }, [model]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !scale) return;
    const dpr = window.devicePixelRatio || 1;
    const cssHeight = Math.ceil(layout.height * scale);
    if (c.width !== Math.round(width * dpr) || c.height !== Math.round(cssHeight * dpr)) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(cssHeight * dpr);
      c.style.height = `${cssHeight}px`;
    }
    const ctx = c.getContext('2d')!;
    const start = performance.now();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, offsetX * dpr, 0);
    drawHall(ctx, { layout, status: model.status, tierOf: (i) => tierIndex[i]!, picked, focused: focused ? active : undefined });
    if (firstDraw.current) {
      firstDraw.current = false;
      // Reading one pixel back makes the browser finish rasterizing, so the measure is the whole draw.
      ctx.getImageData(0, 0, 1, 1);
      performance.measure('seat-map-draw', { start, end: performance.now(), detail: { seats: model.seats.length } });
    }
  }, [model, width, scale, offsetX, picked, focused, active, tick, layout, tierIndex]);

  const moveTo = (i: number) => {
    setActive(i);
    // Keep the keyboard's seat on screen in a hall taller than the window.
    const c = canvas.current;
    if (!c) return;
    const y = c.getBoundingClientRect().top + layout.ys[i]! * scale;
    if (y < 40 || y > window.innerHeight - 40) window.scrollBy({ top: y - window.innerHeight / 2 });
  };

  const pickable = (i: number) => picked.has(i) || model.status(i) === 'available';

  const onKeyDown = (e: KeyboardEvent) => {
    const direction = KEYS[e.key];
    if (direction) {
      e.preventDefault();
      moveTo(neighbour(layout, active, direction));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (pickable(active)) onToggle(active);
    }
  };

  const seatUnder = (e: MouseEvent) => (scale ? seatAt(layout, (e.offsetX - offsetX) / scale, e.offsetY / scale) : undefined);
  const onClick = (e: MouseEvent) => {
    const i = seatUnder(e);
    if (i === undefined) return;
    setActive(i);
    if (pickable(i)) onToggle(i);
  };
  const [hover, setHover] = useState<number | undefined>();
  const onMouseMove = (e: MouseEvent) => {
    const i = seatUnder(e);
    if (i !== hover) setHover(i);
    (e.currentTarget as HTMLElement).style.cursor = i !== undefined && pickable(i) ? 'pointer' : 'default';
  };

  const shown = hover ?? active;
  const counts = model.counts();
  return (
    <div class="seat-map">
      <div
        class="seat-map-canvas"
        ref={box}
        role="application"
        aria-roledescription="seat map"
        aria-label={`Seat map, ${model.seats.length} seats, ${counts.available} available. Arrow keys move between seats; Enter or Space picks or drops a seat.`}
        aria-describedby="seat-map-current"
        tabIndex={0}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
      >
        <canvas ref={canvas} aria-hidden="true" onClick={onClick} onMouseMove={onMouseMove} onMouseLeave={() => setHover(undefined)} />
      </div>
      <p id="seat-map-current" class="seat-map-current" aria-live="polite" aria-atomic="true">
        {model.seats.length ? seatLabel(model, shown, picked.has(shown)) : 'This session has no numbered seats.'}
      </p>
      <ul class="legend" aria-label="Legend">
        {model.tiers.map((t, k) => (
          <li key={t.name}>
            <span class="swatch" style={{ background: TIER_COLOURS[k % TIER_COLOURS.length] }} aria-hidden="true" />
            {t.name} · {formatMoney(t.price)}
          </li>
        ))}
        <li>
          <span class="swatch swatch-small" style={{ background: TAKEN_COLOUR }} aria-hidden="true" />
          Taken
        </li>
        <li>
          <span class="swatch" style={{ background: PICKED_COLOUR }} aria-hidden="true" />
          Your pick
        </li>
      </ul>
    </div>
  );
}

function firstAvailable(model: SeatMapModel): number {
  for (let i = 0; i < model.seats.length; i++) if (model.status(i) === 'available') return i;
  return 0;
}
