import { describe, expect, it } from 'vitest';
import { noteRequest, QUIET_MS, readsLately } from './foreground.js';

describe('readsLately', () => {
  it('is true for a second after a page or API read, and not for writes, probes or scrapes', () => {
    const t = 1_000_000_000;
    noteRequest('GET', '/api/v1/models/m/slices', t);
    expect(readsLately(t + QUIET_MS - 1)).toBe(true);
    expect(readsLately(t + QUIET_MS)).toBe(false);
    const later = t + 10 * QUIET_MS;
    noteRequest('POST', '/api/v1/predictions', later);
    noteRequest('GET', '/health', later);
    noteRequest('GET', '/metrics', later);
    expect(readsLately(later + 1)).toBe(false);
    noteRequest('HEAD', '/labeling/m', later);
    expect(readsLately(later + 1)).toBe(true);
  });
});
