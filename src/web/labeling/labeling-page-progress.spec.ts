import { describe, expect, it } from 'vitest';
import { aProgressRow as row } from '../../../test/factories/labeling.js';
import type { Principal } from '../../auth/roles.decorator.js';
import type { LabelingBatchEntity } from '../../labeling/labeling-batch.entity.js';
import { toBatchDto } from '../../labeling/labeling.dto.js';
import { batchProgress, type ProgressRow } from '../../labeling/progress.js';
import { batchesWithAgreement, indexPageView, SHOWN_BATCHES, shownBatches } from './labeling-page-index.view.js';
import { agreementText, type BatchDto, progressView } from './labeling-page-progress.js';

const quota = (asked: number, filled: number, reason: 'too_few_candidates' | 'received_unused_quota' | null = null) => ({
  share: 0.5,
  asked,
  filled,
  shortBy: Math.max(0, asked - filled),
  reason,
});

function aBatch(overrides: Partial<LabelingBatchEntity> = {}, rows: ProgressRow[] = []): BatchDto {
  const entity: LabelingBatchEntity = {
    id: '0b9f3c4e-1d2a-4c5b-9e8f-7a6b5c4d3e2f',
    model: 'shop',
    size: 10,
    strategy: 'margin',
    quotas: 'balanced',
    auditFraction: 0.2,
    labelsPerItem: 2,
    includeDirect: false,
    filters: {},
    seed: 1,
    outcome: {
      quotas: { click: quota(4, 2, 'too_few_candidates'), ignore: quota(4, 6, 'received_unused_quota') },
      audit: { asked: 2, filled: 2, shortBy: 0, reason: null },
    },
    createdBy: 'tok',
    createdByName: 'ada',
    createdAt: Date.UTC(2026, 10, 26, 9, 30),
    ...overrides,
  };
  const classes = Object.keys(entity.outcome.quotas);
  return toBatchDto(entity, batchProgress(rows, entity.labelsPerItem, classes));
}

describe('progressView', () => {
  const rows = [
    row('click', false, { items: 2, done: 3, pending: 1 }),
    row('ignore', false, { items: 6, done: 2, pending: 10 }),
    row('ignore', true, { items: 2, done: 1, pending: 3 }),
  ];

  it('counts labels per class quota against filled items times labels per item', () => {
    const view = progressView(aBatch({}, rows));
    expect(view.quotas).toEqual([
      { name: 'click', asked: 4, filled: 2, done: 3, wanted: 4, donePercent: 75, note: '2 short: too few candidates' },
      {
        name: 'ignore',
        asked: 4,
        filled: 6,
        done: 2,
        wanted: 12,
        donePercent: 16.7,
        note: 'took over what other classes could not fill',
      },
    ]);
    expect(view.audit).toMatchObject({ name: 'audit sample', asked: 2, filled: 2, done: 1, wanted: 4, donePercent: 25 });
    expect(view).toMatchObject({ done: 6, wanted: 20, donePercent: 30, remaining: 14, open: true, labelsPerItem: 2 });
  });

  it('names the batch by strategy and size, and when and by whom it was made', () => {
    const view = progressView(aBatch({}, rows));
    expect(view.title).toBe('smallest margin, 10 items');
    expect(view.created).toBe('2026-11-26 09:30 UTC by ada');
    expect(view.shortId).toBe('0b9f3c4e');
  });

  it('leaves out an audit sample that was not asked for', () => {
    const outcome = { quotas: { click: quota(2, 2) }, audit: { asked: 0, filled: 0, shortBy: 0, reason: null } };
    expect(progressView(aBatch({ outcome, labelsPerItem: 1 })).audit).toBeNull();
  });

  it('says the agreement of a batch detail and nothing for a plain batch', () => {
    const batch = aBatch({}, rows);
    expect(progressView(batch).agreement).toBeNull();
    const agreement = { method: 'cohen' as const, kappa: 0.6123, items: 40, labelers: 2, reason: null };
    expect(progressView({ ...batch, agreement }).agreement).toBe('Agreement: Cohen’s κ 0.61 over 40 items, 2 labelers');
  });
});

describe('agreementText', () => {
  it.each([
    [{ method: null, kappa: null, items: 0, labelers: 0, reason: 'one_label_per_item' }, null],
    [
      { method: null, kappa: null, items: 0, labelers: 0, reason: 'no_item_labeled_twice_yet' },
      'Agreement: not yet (no item has all its labels)',
    ],
    [
      { method: 'cohen', kappa: null, items: 5, labelers: 2, reason: 'all_labels_in_one_class' },
      'Agreement: not measurable yet (every label is the same class)',
    ],
    [
      { method: 'fleiss', kappa: -0.125, items: 9, labelers: 4, reason: null },
      'Agreement: Fleiss’ κ -0.13 over 9 items, 4 labelers',
    ],
  ] as const)('words %j', (agreement, text) => {
    expect(agreementText(agreement)).toBe(text);
  });
});

describe('the list of queues', () => {
  const open = (id: string) =>
    aBatch({ id: `${id}-0000-0000-0000-000000000000` }, [row('click', false, { items: 1, pending: 1 })]);
  const done = (id: string) => aBatch({ id: `${id}-0000-0000-0000-000000000000` }, [row('click', false, { items: 1, done: 2 })]);
  const principal: Principal = { tokenId: 't', name: 'lena', role: 'labeler', via: 'session' };

  it('shows open batches before complete ones, at most SHOWN_BATCHES', () => {
    const batches = [done('d1'), open('o1'), done('d2'), ...Array.from({ length: SHOWN_BATCHES }, (_, i) => open(`o${i + 2}`))];
    const shown = shownBatches(batches);
    expect(shown).toHaveLength(SHOWN_BATCHES);
    expect(shown.every((b) => b.status === 'open')).toBe(true);
    expect(shownBatches([done('d1'), open('o1')]).map((b) => b.id.slice(0, 2))).toEqual(['o1', 'd1']);
  });

  it('asks agreement only for shown batches with more than one label per item', () => {
    const single = aBatch({ id: 'single', labelsPerItem: 1 });
    const double = aBatch({ id: 'double', labelsPerItem: 2 });
    expect(batchesWithAgreement([single, double])).toEqual(['double']);
  });

  it('puts models with open batches first, links each batch, and counts the batches not shown', () => {
    const many = Array.from({ length: SHOWN_BATCHES + 2 }, (_, i) => done(`x${i}`));
    const busy = open('o1');
    const agreement = { method: 'cohen' as const, kappa: 0.5, items: 2, labelers: 2, reason: null };
    const view = indexPageView({
      principal,
      models: [
        { name: 'a-quiet', classes: ['x', 'y'] },
        { name: 'b-busy', classes: ['x', 'y'] },
      ],
      batches: new Map([
        ['a-quiet', many],
        ['b-busy', [busy]],
      ]),
      details: new Map([[busy.id, { ...busy, agreement }]]),
    });
    expect(view.models.map((m) => m.name)).toEqual(['b-busy', 'a-quiet']);
    expect(view.models[0].batches[0]).toMatchObject({
      href: '/labeling/b-busy?batch=o1-0000-0000-0000-000000000000',
      agreement: 'Agreement: Cohen’s κ 0.50 over 2 items, 2 labelers',
    });
    expect(view.models[1]).toMatchObject({ openBatches: 0, olderBatches: 2, href: '/labeling/a-quiet' });
    expect(view.isAdmin).toBe(false);
  });
});
