/** "9:05" for a countdown; "0:00" once it has run out. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The countdown in words, for screen readers: "9 minutes 5 seconds". */
export function countdownInWords(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  const parts = [m && `${m} minute${m === 1 ? '' : 's'}`, s % 60 && `${s % 60} second${s % 60 === 1 ? '' : 's'}`].filter(Boolean);
  return parts.join(' ') || '0 seconds';
}

/** A waiting-room estimate: "less than a minute", "about 3 minutes". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const m = Math.round(seconds / 60);
  return m < 90 ? `about ${m} minute${m === 1 ? '' : 's'}` : `about ${Math.round(m / 60)} hours`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatTime = (iso: string) => timeOnly.format(new Date(iso));

/** A local date-time input's value ("2026-12-01T20:00") as an ISO instant with offset, as the API wants it. */
export const localInputToIso = (value: string) => new Date(value).toISOString();
