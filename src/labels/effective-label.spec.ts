import { describe, expect, it } from 'vitest';
import type { LabelSource } from '../models/model-settings.js';
import { effectiveLabel, sameEffective } from './effective-label.js';

const order: LabelSource[] = ['manual', 'audit', 'direct', 'implicit'];
const l = (label: string, source: LabelSource, updatedAt = 1) => ({ label, source, updatedAt });

describe('effectiveLabel', () => {
  it('is null without labels', () => {
    expect(effectiveLabel([], order)).toBeNull();
  });

  it.each<[string, ReturnType<typeof l>[], { label: string; source: LabelSource }]>([
    ['direct beats implicit', [l('ignore', 'implicit'), l('click', 'direct')], { label: 'click', source: 'direct' }],
    ['manual beats direct', [l('click', 'direct'), l('purchase', 'manual')], { label: 'purchase', source: 'manual' }],
    ['audit beats direct', [l('click', 'direct'), l('ignore', 'audit')], { label: 'ignore', source: 'audit' }],
    [
      'majority of labelers wins',
      [l('a', 'manual', 3), l('b', 'manual', 1), l('b', 'manual', 2)],
      { label: 'b', source: 'manual' },
    ],
    ['a tie goes to the most recent', [l('a', 'manual', 5), l('b', 'manual', 9)], { label: 'b', source: 'manual' }],
  ])('%s', (_, labels, expected) => {
    expect(effectiveLabel(labels, order)).toEqual(expected);
  });

  it('follows a per-model source order', () => {
    expect(effectiveLabel([l('click', 'direct'), l('purchase', 'manual')], ['direct', 'manual'])).toEqual({
      label: 'click',
      source: 'direct',
    });
  });

  it('ignores sources left out of the order', () => {
    expect(effectiveLabel([l('ignore', 'implicit')], ['manual', 'direct'])).toBeNull();
  });
});

describe('sameEffective', () => {
  it('compares label and source', () => {
    expect(sameEffective(null, null)).toBe(true);
    expect(sameEffective({ label: 'a', source: 'direct' }, null)).toBe(false);
    expect(sameEffective({ label: 'a', source: 'direct' }, { label: 'a', source: 'manual' })).toBe(false);
    expect(sameEffective({ label: 'a', source: 'direct' }, { label: 'a', source: 'direct' })).toBe(true);
  });
});
