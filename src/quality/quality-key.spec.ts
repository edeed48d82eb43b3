import { describe, expect, it } from 'vitest';
import type { LabelSource } from '../models/model-settings.js';
import type { RolledPrediction } from '../slices/cells.js';
import {
  decodeQualityKey,
  encodeQualityKey,
  qualityCellId,
  qualityCellsOf,
  QualityDeltas,
  qualityKeyOf,
  type QualityLabel,
  ruleName,
  UNLABELED,
} from './quality-key.js';
import { agreementCellsOf, proxyCellsBySlice, type QualitySum } from './quality-sums.js';

const ORDER: LabelSource[] = ['manual', 'audit', 'direct', 'implicit'];
const l = (source: LabelSource, label: string, updatedAt = 1, rule: string | null = null): QualityLabel => ({
  source,
  label,
  updatedAt,
  rule,
});
const CLICK_RULE = JSON.stringify({ index: 1, event: 'click', label: 'click', within: '30m', priority: 10 });

describe('qualityKeyOf', () => {
  it.each([
    ['no labels', [], UNLABELED],
    [
      'a direct label with its rule, and a manual label',
      [l('direct', 'click', 1, CLICK_RULE), l('manual', 'ignore')],
      { bSource: 'direct', bRule: 'click', bLabel: 'click', hSource: 'manual', hLabel: 'ignore' },
    ],
    [
      'direct before implicit by the source order',
      [l('implicit', 'ignore'), l('direct', 'purchase', 1, CLICK_RULE)],
      { bSource: 'direct', bRule: 'click', bLabel: 'purchase', hSource: '', hLabel: '' },
    ],
    [
      'audit over manual, whatever the order says',
      [l('manual', 'click'), l('audit', 'ignore'), l('implicit', 'ignore')],
      { bSource: 'implicit', bRule: '', bLabel: 'ignore', hSource: 'audit', hLabel: 'ignore' },
    ],
    [
      'the majority of several manual labels',
      [l('manual', 'click', 1), l('manual', 'ignore', 2), l('manual', 'click', 3)],
      { bSource: '', bRule: '', bLabel: '', hSource: 'manual', hLabel: 'click' },
    ],
  ])('%s', (_, labels, expected) => {
    expect(qualityKeyOf(labels, ORDER)).toEqual(expected);
  });

  it('follows a source order that puts implicit first for behaviour', () => {
    const key = qualityKeyOf([l('direct', 'click', 1, CLICK_RULE), l('implicit', 'ignore')], ['implicit', 'direct', 'manual']);
    expect(key).toMatchObject({ bSource: 'implicit', bLabel: 'ignore', bRule: '' });
  });
});

describe('ruleName', () => {
  it.each([
    [null, ''],
    ['not json', ''],
    [CLICK_RULE, 'click'],
    [JSON.stringify({ event: 'dwell', when: { op: '>', value: 30 } }), 'dwell > 30'],
    [JSON.stringify({ label: 'ignore', after: '30m' }), ''],
  ])('%s -> %j', (rule, name) => {
    expect(ruleName(rule)).toBe(name);
  });
});

describe('quality keys and cells', () => {
  it('round-trip through their stored form, null being unlabeled', () => {
    const key = { bSource: 'direct', bRule: 'a×b', bLabel: 'x"y', hSource: 'audit' as const, hLabel: '' };
    expect(decodeQualityKey(encodeQualityKey(key))).toEqual(key);
    expect(decodeQualityKey(null)).toEqual(UNLABELED);
  });

  it('put a prediction in one cell per coordinate and grain, and a move nets out unchanged coordinates', () => {
    const p = {
      model: 'm',
      modelVersion: 'v1',
      ts: Date.parse('2026-11-20T10:30:00Z'),
      predicted: 'click',
      slices: { country: 'de', device: 'mobile' },
    };
    const crosses: [string, string][] = [['country', 'device']];
    expect(qualityCellsOf(p, UNLABELED, crosses)).toHaveLength(4 * 3);
    const deltas = new QualityDeltas();
    deltas.add(qualityCellsOf(p, UNLABELED, crosses), 1);
    const labeled = { ...UNLABELED, bSource: 'implicit', bLabel: 'ignore' };
    deltas.move(p, UNLABELED, labeled, crosses);
    const changes = deltas.changes();
    expect(changes).toHaveLength(12);
    expect(changes.every((c) => c.delta === 1 && c.cell.bSource === 'implicit')).toBe(true);
    deltas.move(p, labeled, labeled, crosses);
    expect(deltas.changes()).toHaveLength(12);
  });

  it('lists changes in one key order whatever order they were added in, so concurrent writers lock cells alike', () => {
    const at = (country: string, predicted: string, hour: number): RolledPrediction => ({
      model: 'm',
      modelVersion: 'v1',
      ts: Date.parse('2026-11-20T00:00:00Z') + hour * 3_600_000,
      predicted,
      slices: { country, device: 'mobile' },
    });
    const batch = [at('de', 'click', 3), at('fr', 'ignore', 1), at('de', 'ignore', 2), at('us', 'click', 0)];
    const ids = (order: RolledPrediction[]) => {
      const deltas = new QualityDeltas();
      for (const p of order) deltas.add(qualityCellsOf(p, UNLABELED, []), 1);
      return deltas.changes().map((c) => qualityCellId(c.cell));
    };
    const forward = ids(batch);
    expect(ids([...batch].reverse())).toEqual(forward);
    expect(forward).toEqual([...forward].sort());
    expect(new Set(forward).size).toBe(forward.length);
  });
});

const sum = (over: Partial<QualitySum>): QualitySum => ({
  key: '*',
  value: '*',
  predicted: 'click',
  bSource: '',
  bRule: '',
  bLabel: '',
  hSource: '',
  hLabel: '',
  n: 1,
  ...over,
});

describe('proxyCellsBySlice', () => {
  it('scores behaviour and audit labels against the prediction, and ignores manual labels as truth', () => {
    const cells = proxyCellsBySlice([
      sum({ n: 5 }),
      sum({ bSource: 'direct', bLabel: 'click', n: 3 }),
      sum({ bSource: 'implicit', bLabel: 'ignore', hSource: 'audit', hLabel: 'click', n: 2 }),
      sum({ bSource: 'implicit', bLabel: 'ignore', hSource: 'manual', hLabel: 'ignore', n: 4 }),
      sum({ hSource: 'audit', hLabel: 'ignore', n: 1 }),
      sum({ key: 'country', value: 'de', n: 7 }),
    ]);
    expect(cells.get('*\u0000*')).toEqual(
      expect.arrayContaining([
        { stratum: '*', proxy: null, truth: null, n: 5 },
        { stratum: '*', proxy: 1, truth: null, n: 3 },
        { stratum: '*', proxy: 0, truth: 1, n: 2 },
        { stratum: '*', proxy: 0, truth: null, n: 4 },
        { stratum: '*', proxy: null, truth: 0, n: 1 },
      ]),
    );
    expect(cells.get('*\u0000*')).toHaveLength(5);
    expect(cells.get('country\u0000de')).toEqual([{ stratum: '*', proxy: null, truth: null, n: 7 }]);
  });
});

describe('agreementCellsOf', () => {
  it('keeps predictions with both a behaviour and a human label, marking audit ones', () => {
    expect(
      agreementCellsOf([
        sum({ bSource: 'direct', bRule: 'click', bLabel: 'click', hSource: 'audit', hLabel: 'ignore', n: 2 }),
        sum({ bSource: 'implicit', bLabel: 'ignore', hSource: 'manual', hLabel: 'ignore', n: 3 }),
        sum({ bSource: 'implicit', bLabel: 'ignore', n: 9 }),
        sum({ hSource: 'audit', hLabel: 'click', n: 9 }),
      ]),
    ).toEqual([
      { source: 'direct', rule: 'click', key: '*', value: '*', sourceLabel: 'click', humanLabel: 'ignore', audit: true, n: 2 },
      { source: 'implicit', rule: null, key: '*', value: '*', sourceLabel: 'ignore', humanLabel: 'ignore', audit: false, n: 3 },
    ]);
  });
});
