import { describe, expect, it } from 'vitest';
import { labelQuality } from '../../quality/agreement.js';
import { buildQualityPage } from './quality-page.view.js';

const cell = (sourceLabel: string, humanLabel: string, audit: boolean, n: number, key = '*', value = '*') => ({
  source: 'implicit',
  rule: null,
  key,
  value,
  sourceLabel,
  humanLabel,
  audit,
  n,
});

describe('buildQualityPage', () => {
  const classes = ['spam', 'ham'];
  const quality = labelQuality(
    [
      cell('ham', 'ham', true, 8),
      cell('ham', 'spam', true, 2),
      cell('ham', 'ham', false, 30),
      cell('ham', 'ham', true, 4, 'group', 'hard'),
    ],
    classes,
  );

  it('shows agreement from all human labels and from audit labels alone, and "not measured" where there are none', () => {
    const page = buildQualityPage({ model: 'mail', classes, quality, canExport: false });
    const [implicit] = page.sources;
    expect(implicit).toMatchObject({ name: 'Implicit (no event)', n: '40', nAudit: '10', agreement: '95.0%' });
    expect(implicit.audit).toMatchObject({ agreement: '80.0%', measured: true });
    expect(implicit.confusion).toEqual([
      {
        label: 'spam',
        cells: [
          { n: '0', same: true },
          { n: '0', same: false },
        ],
      },
      {
        label: 'ham',
        cells: [
          { n: '2', same: false },
          { n: '38', same: true },
        ],
      },
    ]);
    expect(implicit.perClass.find((c) => c.label === 'spam')).toMatchObject({ measured: false, audit: 'not measured' });
    expect(page.bySlice).toEqual([
      { key: 'group', value: 'hard', sources: [expect.objectContaining({ agreement: '100.0%', nAudit: '4' })] },
    ]);
    expect(page.links).toEqual({ slices: '/models/mail/slices', labeling: '/labeling/mail', exports: null });
  });

  it('says when nothing can be measured yet', () => {
    expect(buildQualityPage({ model: 'a b', classes, quality: { sources: [], bySlice: [] }, canExport: true })).toMatchObject({
      empty: true,
      links: { exports: '/models/a%20b/exports' },
    });
  });
});
