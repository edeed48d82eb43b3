import { describe, expect, it } from 'vitest';
import { type AgreementCell, labelQuality, type SourceQuality } from './agreement.js';
import { fixture } from './fixtures/load.js';

interface Expected {
  source: string;
  rule: string | null;
  audit: boolean;
  n: number;
  agreement: number;
  ci: [number, number];
  perClass: Record<string, { n: number; agreement: number; ci: [number, number] } | null>;
}

// Counted item by item in Python; intervals from scipy.stats.binomtest(...).proportion_ci("wilson").
const table = fixture<{ classes: string[]; cells: AgreementCell[]; expected: Expected[] }>('agreement.json');

describe('labelQuality against the reference counts', () => {
  const quality = labelQuality(table.cells, table.classes);
  const find = (e: Expected): SourceQuality => quality.sources.find((s) => s.source === e.source && (s.rule ?? null) === e.rule)!;

  for (const e of table.expected) {
    it(`${e.source}${e.rule ? ` (${e.rule})` : ''}, ${e.audit ? 'audit labels only' : 'all human labels'}`, () => {
      const s = find(e);
      const figures = e.audit ? s.audit : s;
      expect(figures.n).toBe(e.n);
      expect(figures.agreement).toBeCloseTo(e.agreement, 12);
      expect(figures.ci![0]).toBeCloseTo(e.ci[0], 8);
      expect(figures.ci![1]).toBeCloseTo(e.ci[1], 8);
      for (const [label, c] of Object.entries(e.perClass)) {
        const got = figures.perClass[label];
        if (c === null) {
          expect(got).toEqual({ status: 'not measured', n: 0, agreement: null, ci: null });
        } else {
          expect(got.status).toBe('measured');
          expect(got.n).toBe(c.n);
          expect(got.agreement).toBeCloseTo(c.agreement, 12);
          expect(got.ci![0]).toBeCloseTo(c.ci[0], 8);
          expect(got.ci![1]).toBeCloseTo(c.ci[1], 8);
        }
      }
    });
  }

  it('lists direct rules first, then implicit, and every slice with support', () => {
    expect(quality.sources.map((s) => `${s.source}:${s.rule ?? ''}`)).toEqual([
      'direct:inverted',
      'direct:report',
      'direct:rescue',
      'implicit:',
    ]);
    expect(quality.bySlice.map((s) => `${s.key}=${s.value}`)).toEqual(['g=a', 'g=b']);
    const total = (q: SourceQuality[]) => q.reduce((t, s) => t + s.n, 0);
    expect(total(quality.bySlice[0].sources) + total(quality.bySlice[1].sources)).toBe(total(quality.sources));
  });
});

describe('labelQuality', () => {
  const c = (sourceLabel: string, humanLabel: string, n: number, audit = false): AgreementCell => ({
    source: 'implicit',
    rule: null,
    key: '*',
    value: '*',
    sourceLabel,
    humanLabel,
    audit,
    n,
  });

  it('tables source label against human label, and leaves the audit figures empty without audit labels', () => {
    const [s] = labelQuality([c('ham', 'ham', 83), c('ham', 'spam', 17)], ['ham', 'spam']).sources;
    expect(s.confusion).toEqual({ ham: { ham: 83, spam: 17 } });
    expect(s.agreement).toBeCloseTo(0.83, 12);
    expect(s.nAudit).toBe(0);
    expect(s.audit.agreement).toBeNull();
    expect(s.audit.ci).toBeNull();
    expect(s.perClass.spam.status).toBe('not measured');
    expect(s).not.toHaveProperty('rule');
  });

  it('says nothing of a source without human labels', () => {
    expect(labelQuality([c('ham', 'ham', 0)], ['ham']).sources).toEqual([]);
  });

  it('rejects negative counts', () => {
    expect(() => labelQuality([c('ham', 'ham', -2)], ['ham'])).toThrow(RangeError);
  });
});
