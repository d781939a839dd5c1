import { describe, expect, it } from 'vitest';
import { refreshDelayMs, retryDelayMs } from './refresh-schedule';

describe('refreshDelayMs', () => {
  it('refreshes a 15-minute token at 80% of its life', () => {
    expect(refreshDelayMs(900)).toBe(720_000);
  });

  it('keeps a minute in hand for tokens where 80% would leave less', () => {
    expect(refreshDelayMs(240)).toBe(180_000);
  });

  it('never schedules sooner than 5 s, even for a token about to end', () => {
    expect(refreshDelayMs(30)).toBe(5_000);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
