import { describe, expect, it } from 'vitest';
import { countdownInWords, formatCountdown, formatWait } from './time';

describe('countdown', () => {
  it('shows minutes and seconds, rounding up so 0:00 means over', () => {
    expect(formatCountdown(600_000)).toBe('10:00');
    expect(formatCountdown(65_001)).toBe('1:06');
    expect(formatCountdown(400)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5_000)).toBe('0:00');
  });

  it('says it in words for screen readers', () => {
    expect(countdownInWords(61_000)).toBe('1 minute 1 second');
    expect(countdownInWords(120_000)).toBe('2 minutes');
    expect(countdownInWords(0)).toBe('0 seconds');
  });

  it('rounds waits to what a person can plan with', () => {
    expect(formatWait(20)).toBe('less than a minute');
    expect(formatWait(150)).toBe('about 3 minutes');
    expect(formatWait(7200)).toBe('about 2 hours');
  });
});
