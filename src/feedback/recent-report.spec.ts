import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FeedbackService, RECENT_REPORT_MAX_AGE_MS, recentReportOf } from './feedback.service.js';
import type { FeedbackReport } from './feedback.types.js';

/** A report source whose reports take `tookMs` of (fake) time and are numbered by call. */
function source(tookMs: number) {
  let calls = 0;
  const service = {
    report: (model: string) => {
      calls++;
      vi.advanceTimersByTime(tookMs);
      return Promise.resolve({ model, worst: `call ${calls}` } as unknown as FeedbackReport);
    },
  } as unknown as FeedbackService;
  return { service, calls: () => calls };
}

describe('recentReportOf', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('computes on every view while reports are quick', async () => {
    const { service, calls } = source(20);
    const cache = new Map();
    for (let i = 0; i < 3; i++) expect((await recentReportOf(service, cache, 'm')).cached).toBe(false);
    expect(calls()).toBe(3);
  });

  it('serves a slow report from the cache, with its time, and refreshes it once when it is old', async () => {
    const { service, calls } = source(500);
    const cache = new Map();
    const first = await recentReportOf(service, cache, 'm');
    expect(first).toMatchObject({ cached: false, computedAt: 1_000_000 });
    const second = await recentReportOf(service, cache, 'm');
    expect(second).toMatchObject({ cached: true, computedAt: 1_000_000, report: first.report });
    expect(calls()).toBe(1);

    vi.advanceTimersByTime(RECENT_REPORT_MAX_AGE_MS + 1);
    const entry = cache.get('m');
    const stale = await recentReportOf(service, cache, 'm');
    expect(stale.report).toBe(first.report);
    await entry.refreshing;
    expect(calls()).toBe(2);
    // The refresh replaced the entry; later views get it without computing again.
    const fresh = await recentReportOf(service, cache, 'm');
    const again = await recentReportOf(service, cache, 'm');
    expect(fresh.report).not.toBe(first.report);
    expect(again.report).toBe(fresh.report);
    expect(fresh.cached).toBe(true);
    expect(calls()).toBe(2);
  });

  it('keeps models apart', async () => {
    const { service } = source(500);
    const cache = new Map();
    await recentReportOf(service, cache, 'a');
    expect((await recentReportOf(service, cache, 'b')).report.model).toBe('b');
  });
});
