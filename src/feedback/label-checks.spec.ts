import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../models/model-settings.js';
import type { FeedbackSeverity } from './feedback.types.js';
import { explorationShare, implicitEcho, missingPropensities, modelDrivenShare, selfAgreementGap } from './label-checks.js';
import { type CompositionRow, tally } from './tally.js';

const s = DEFAULT_SETTINGS.feedback;
const row = (policy: string | null, source: string, n: number, agrees = true, missingPropensity = false): CompositionRow => ({
  policy,
  source,
  n,
  agrees,
  missingPropensity,
});

describe('tally', () => {
  it('sorts labeled rows into model-driven, reference, implicit and model-policy counts', () => {
    const t = tally([
      row('model', 'direct', 10, true, true),
      row('model', 'implicit', 5, false),
      row('model', 'manual', 2),
      row('explore', 'implicit', 3, true),
      row(null, 'audit', 4, false),
    ]);
    expect(t).toEqual({
      labeled: 24,
      withPolicy: 20,
      explore: 3,
      modelDriven: { n: 15, correct: 10 },
      reference: { n: 7, correct: 3 },
      implicit: { n: 8, correct: 3 },
      modelPolicy: { n: 17, correct: 10 },
    });
  });
});

describe('explorationShare', () => {
  it.each<[string, CompositionRow[], FeedbackSeverity, number | null]>([
    ['no labels', [], 'unknown', null],
    ['no exposure policy logged', [row(null, 'direct', 50)], 'unknown', null],
    ['no exploration and no audit at all', [row('model', 'direct', 100)], 'block', 0],
    ['no exploration but audit labels', [row('model', 'direct', 96), row(null, 'audit', 4)], 'warn', 0],
    ['3% exploration', [row('model', 'direct', 97), row('explore', 'direct', 3)], 'warn', 0.03],
    ['exactly 5% exploration', [row('model', 'direct', 95), row('explore', 'direct', 5)], 'ok', 0.05],
    ['10% exploration', [row('model', 'direct', 90), row('explore', 'implicit', 10)], 'ok', 0.1],
  ])('%s: %s', (_case, rows, severity, value) => {
    const check = explorationShare('spam', tally(rows), s);
    expect(check).toMatchObject({ name: 'exploration_share', severity, value, threshold: 0.05 });
    expect(check.explanation).toMatch(/spam|Cannot be computed/);
    expect(check.action).not.toBe('');
  });
});

describe('modelDrivenShare', () => {
  it.each<[string, CompositionRow[], FeedbackSeverity, number | null]>([
    ['no labels', [], 'unknown', null],
    ["all labels the model's own", [row('model', 'direct', 60), row('model', 'implicit', 40)], 'warn', 1],
    ['manual labels on model exposures do not count', [row('model', 'manual', 50), row('model', 'direct', 50)], 'ok', 0.5],
    ['90% with 10% exploration', [row('model', 'implicit', 90), row('explore', 'implicit', 10)], 'ok', 0.9],
  ])('%s', (_case, rows, severity, value) => {
    expect(modelDrivenShare('spam', tally(rows), s)).toMatchObject({ severity, value, threshold: 0.95 });
  });
});

describe('selfAgreementGap', () => {
  it.each<[string, CompositionRow[], FeedbackSeverity]>([
    ['no model-driven labels', [row('explore', 'direct', 50)], 'unknown'],
    ['nothing to compare against', [row('model', 'direct', 50)], 'unknown'],
    [
      'equal agreement',
      [
        row('model', 'direct', 80),
        row('model', 'direct', 20, false),
        row('explore', 'direct', 80),
        row('explore', 'direct', 20, false),
      ],
      'ok',
    ],
    [
      'a gap whose interval reaches below 0.1',
      [
        row('model', 'direct', 18),
        row('model', 'direct', 2, false),
        row('explore', 'direct', 14),
        row('explore', 'direct', 6, false),
      ],
      'ok',
    ],
    [
      'a gap clearly above 0.1 but not above 0.25',
      [
        row('model', 'direct', 950),
        row('model', 'direct', 50, false),
        row('explore', 'direct', 780),
        row('explore', 'direct', 220, false),
      ],
      'warn',
    ],
    [
      'a gap clearly above 0.25',
      [
        row('model', 'implicit', 980),
        row('model', 'implicit', 20, false),
        row(null, 'audit', 500),
        row(null, 'audit', 500, false),
      ],
      'block',
    ],
  ])('%s', (_case, rows, severity) => {
    const check = selfAgreementGap('spam', tally(rows), s);
    expect(check.severity).toBe(severity);
    if (severity === 'unknown') {
      expect(check.value).toBeNull();
      expect(check.interval).toBeUndefined();
    } else {
      const [lo, hi] = check.interval!;
      expect(lo).toBeLessThanOrEqual(check.value!);
      expect(hi).toBeGreaterThanOrEqual(check.value!);
    }
  });

  it('reports the difference of the two agreement rates', () => {
    const rows = [
      row('model', 'direct', 9),
      row('model', 'direct', 1, false),
      row('explore', 'direct', 3),
      row('explore', 'direct', 7, false),
    ];
    expect(selfAgreementGap('spam', tally(rows), s).value).toBeCloseTo(0.6, 10);
  });
});

describe('implicitEcho', () => {
  it.each<[string, CompositionRow[], FeedbackSeverity, number | null]>([
    ['no implicit labels', [row('model', 'direct', 10)], 'unknown', null],
    ['every implicit label equals the prediction', [row('model', 'implicit', 40)], 'warn', 1],
    ['half of them', [row('model', 'implicit', 20), row('explore', 'implicit', 20, false)], 'ok', 0.5],
    ['exactly the threshold', [row('model', 'implicit', 9), row('model', 'implicit', 1, false)], 'ok', 0.9],
  ])('%s', (_case, rows, severity, value) => {
    expect(implicitEcho('spam', tally(rows), s)).toMatchObject({ severity, value, threshold: 0.9 });
  });
});

describe('missingPropensities', () => {
  it.each<[string, CompositionRow[], FeedbackSeverity, number | null]>([
    ['no model-policy rows', [row('explore', 'direct', 10)], 'unknown', null],
    ['no propensity anywhere', [row('model', 'direct', 10, true, true)], 'warn', 1],
    ['all propensities logged', [row('model', 'direct', 10), row('explore', 'direct', 5, true, true)], 'ok', 0],
    ['one in fifty missing', [row('model', 'direct', 49), row('model', 'implicit', 1, true, true)], 'warn', 0.02],
  ])('%s', (_case, rows, severity, value) => {
    const check = missingPropensities('spam', tally(rows), s);
    expect(check).toMatchObject({ severity, value });
    if (severity === 'warn') expect(check.action).toMatch(/log propensities/);
  });
});
