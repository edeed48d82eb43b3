import { describe, expect, it } from 'vitest';
import { isDuration, MAX_DURATION_MS, parseDuration, storedDuration } from './durations.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
    ['366d', MAX_DURATION_MS],
    ['52w', 52 * 604_800_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['367d', '53w', '8785h', '31622400001ms', '9999999999999999999999d', '0s', '0.0001ms', '7 days', '', 'd', '-1d'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
      expect(isDuration(text)).toBe(false);
    },
  );

  it('takes a larger bound when asked', () => {
    expect(parseDuration('400d', 1000 * 86_400_000)).toBe(400 * 86_400_000);
  });
});

describe('storedDuration', () => {
  it('reads a setting saved before the cap as the cap, not as unset', () => {
    expect(parseDuration('400d')).toBeNull();
    expect(storedDuration('400d')).toBe(MAX_DURATION_MS);
    expect(storedDuration('30m')).toBe(1_800_000);
    expect(storedDuration('soon')).toBeNull();
  });
});
