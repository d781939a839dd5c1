import { useEffect, useRef, useState } from 'preact/hooks';
import { countdownInWords, formatCountdown } from '../lib/time';

/**
 * Time left on a hold, from the server's expiresAt. It ticks every second
 * for the eye; screen readers hear it once a minute (and in the last
 * minute's quarters), not every second.
 */
export function Countdown({ until, onExpired }: { until: string; onExpired?: () => void }) {
  const end = Date.parse(until);
  const [now, setNow] = useState(Date.now());
  const fired = useRef(false);
  useEffect(() => {
    fired.current = false;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [until]);
  const left = end - now;
  useEffect(() => {
    if (left <= 0 && !fired.current) {
      fired.current = true;
      onExpired?.();
    }
  }, [left <= 0]);
  const seconds = Math.max(0, Math.ceil(left / 1000));
  const spoken = seconds % 60 === 0 || (seconds < 60 && seconds % 15 === 0) ? countdownInWords(left) : undefined;
  return (
    <div class={`countdown${seconds <= 60 ? ' countdown-urgent' : ''}`}>
      <span class="countdown-label">Seats held for</span>{' '}
      <time class="countdown-time" data-testid="countdown" aria-hidden="true">
        {formatCountdown(left)}
      </time>
      <span class="visually-hidden" aria-live="polite">
        {spoken && `${spoken} left on your hold`}
      </span>
    </div>
  );
}
