import { describe, expect, it } from 'vitest';
import { cutoff, MAX_RETENTION_MS, retentionMs, retentionPolicy } from './retention-policy.js';

const DAY = 86_400_000;

describe('retention policy', () => {
  it.each([
    ['off', null],
    ['30d', 30 * DAY],
    ['12h', 12 * 3_600_000],
    ['520w', 520 * 7 * DAY],
    ['3661d', null],
  ])('reads %j as %j ms', (text, ms) => {
    expect(retentionMs(text)).toBe(ms);
  });

  it('reaches up to ten years, further than other durations', () => {
    expect(retentionMs('3660d')).toBe(MAX_RETENTION_MS);
  });

  it('keeps a kind forever when it is off, and otherwise cuts at now minus its retention', () => {
    const policy = retentionPolicy({
      RETENTION_EXPORTS: '30d',
      RETENTION_OUTBOX: 'off',
      RETENTION_NOTIFICATIONS: '1d',
      RETENTION_ORPHANED_EVENTS: '2d',
      RETENTION_EVERY: '15m',
    });
    expect(policy).toEqual({ exports: 30 * DAY, outbox: null, notifications: DAY, orphanedEvents: 2 * DAY, everyMs: 900_000 });
    expect(cutoff(policy.exports, 100 * DAY)).toBe(70 * DAY);
    expect(cutoff(policy.outbox, 100 * DAY)).toBeNull();
  });
});
