import { describe, expect, it } from 'vitest';
import { aProgressRow as row } from '../../test/factories/labeling.js';
import { batchProgress } from './progress.js';

describe('batchProgress', () => {
  it('adds up classes and the audit sample, keeping them apart', () => {
    const p = batchProgress(
      [
        row('a', false, { items: 4, completedItems: 1, done: 3, pending: 5 }),
        row('b', false, { items: 2, done: 1, leased: 1, pending: 2 }),
        row('a', true, { items: 2, completedItems: 2, done: 4 }),
      ],
      2,
      ['a', 'b', 'c'],
    );
    expect(p).toMatchObject({ items: 8, completedItems: 3, done: 8, leased: 1, pending: 7, labelsWanted: 16, percent: 50 });
    expect(p.status).toBe('open');
    expect(p.perClass.a).toMatchObject({ items: 4, done: 3 });
    expect(p.perClass.c).toMatchObject({ items: 0 });
    expect(p.audit).toMatchObject({ items: 2, completedItems: 2, done: 4 });
  });

  it('is complete when nothing waits or is leased', () => {
    const p = batchProgress([row('a', false, { items: 3, completedItems: 3, done: 3, skipped: 1 })], 1, ['a']);
    expect(p).toMatchObject({ status: 'complete', percent: 100 });
  });

  it('rounds percent to one decimal', () => {
    expect(batchProgress([row('a', false, { items: 3, done: 1, pending: 2 })], 1, ['a']).percent).toBe(33.3);
  });
});
