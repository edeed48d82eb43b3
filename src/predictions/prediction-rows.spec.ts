import { describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../common/api-error.js';
import { aPrediction, SHOP_MODEL } from '../../test/factories/predictions.js';
import type { FeatureSpec } from '../models/model-settings.js';
import {
  canonicalJson,
  compileModels,
  MAX_BATCH,
  rowsOf,
  validatePrediction,
  type ValidationContext,
} from './prediction-rows.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const ctx: ValidationContext = {
  models: compileModels([
    { name: 'shop', ...SHOP_MODEL, featureSchema: SHOP_MODEL.featureSchema as Record<string, FeatureSpec> },
  ]),
  now,
  traceId: null,
};

function validate(overrides: Record<string, unknown>, context = ctx) {
  const errors: ErrorDetail[] = [];
  const row = validatePrediction(aPrediction({ timestamp: '2026-06-01T11:00:00Z', ...overrides }), 3, context, errors);
  return { row, errors };
}

describe('validatePrediction', () => {
  it('accepts a valid prediction and derives slices, uncertainty and hashes', () => {
    const { row, errors } = validate({ id: 'a' });
    expect(errors).toEqual([]);
    expect(row).toMatchObject({ model: 'shop', id: 'a', ts: Date.parse('2026-06-01T11:00:00Z'), prediction: 'click' });
    expect(JSON.parse(row!.slicesJson)).toEqual({ country: 'de', device: 'mobile' });
    expect(row!.leastConfidence).toBeCloseTo(0.5);
    expect(row!.margin).toBeCloseTo(0.2);
    expect(row!.featureHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('defaults the timestamp to now', () => {
    const { row } = validate({ timestamp: undefined });
    expect(row!.ts).toBe(now);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing id', { id: undefined }, 'id'],
    ['numeric id', { id: 42 }, 'id'],
    ['unknown model', { model: 'nope' }, 'model'],
    ['missing modelVersion', { modelVersion: undefined }, 'modelVersion'],
    ['timestamp not ISO', { timestamp: 'yesterday' }, 'timestamp'],
    ['timestamp 6 minutes ahead', { timestamp: new Date(now + 6 * 60_000).toISOString() }, 'timestamp'],
    ['nested feature', { features: { price: 1, country: 'de', device: 'mobile', extra: { a: 1 } } }, 'features.extra'],
    ['infinite feature (1e400 parses to Infinity)', { features: { price: Infinity } }, 'features.price'],
    ['feature below min', { features: { price: -1 } }, 'features.price'],
    ['category not allowed', { features: { price: 1, country: 'xx' } }, 'features.country'],
    ['prediction not a class', { prediction: 'buy' }, 'prediction'],
    ['score over an unknown class', { scores: { purchase: 0.5, click: 0.3, buy: 0.2 } }, 'scores.buy'],
    ['score above 1', { scores: { purchase: 1.5, click: -0.5 } }, 'scores.purchase'],
    ['scores not summing to 1', { scores: { purchase: 0.5, click: 0.4 } }, 'scores'],
    ['NaN score', { scores: { purchase: NaN, click: 1 } }, 'scores.purchase'],
    ['slice key not declared', { slices: { weather: 'rain' } }, 'slices.weather'],
    ['bad exposure policy', { exposure: { policy: 'random' } }, 'exposure.policy'],
    ['propensity 0', { exposure: { policy: 'model', propensity: 0 } }, 'exposure.propensity'],
    ['unknown exposure field', { exposure: { policy: 'model', foo: 1 } }, 'exposure.foo'],
    ['unknown top-level field', { colour: 'red' }, 'colour'],
  ])('rejects %s, naming the field', (_, overrides, field) => {
    const { row, errors } = validate(overrides);
    expect(row).toBeNull();
    expect(errors).toContainEqual(expect.objectContaining({ index: 3, field }));
  });

  it('accepts scores that sum to 1 within 1e-3 and treats missing classes as 0', () => {
    expect(validate({ scores: { purchase: 0.6, click: 0.4005 } }).errors).toEqual([]);
  });

  it('reports every problem of a row, not just the first', () => {
    const { errors } = validate({ prediction: 'buy', scores: { a: 1 }, modelVersion: 7 });
    expect(errors.map((e) => e.field).sort()).toEqual(['modelVersion', 'prediction', 'scores.a']);
  });

  it('lets explicit slices override values taken from features', () => {
    const { row } = validate({ slices: { country: 'fr' } });
    expect(JSON.parse(row!.slicesJson)).toEqual({ country: 'fr', device: 'mobile' });
  });

  it('gives the same content hash to a re-send with keys in another order', () => {
    const a = validate({ id: 'x', features: { price: 1, country: 'de', device: 'mobile' } }).row!;
    const b = validate({ id: 'x', features: { device: 'mobile', country: 'de', price: 1 } }).row!;
    const c = validate({ id: 'x', features: { price: 2, country: 'de', device: 'mobile' } }).row!;
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
  });

  it('gives a re-send without timestamp the same content hash at a later time', () => {
    const first = validate({ id: 'y', timestamp: undefined }).row!;
    const later = validate({ id: 'y', timestamp: undefined }, { ...ctx, now: now + 5000 }).row!;
    expect(later.contentHash).toBe(first.contentHash);
    expect(later.ts).toBe(now + 5000);
  });

  it('takes the trace id from the request header unless the row has one', () => {
    const fromHeader = validate({}, { ...ctx, traceId: 'abc' }).row!;
    const own = validate({ traceId: 'mine' }, { ...ctx, traceId: 'abc' }).row!;
    expect(fromHeader.traceId).toBe('abc');
    expect(own.traceId).toBe('mine');
  });
});

describe('rowsOf', () => {
  it('reads one prediction or a batch', () => {
    expect(rowsOf({ id: 'a' }).rows).toHaveLength(1);
    expect(rowsOf({ predictions: [{}, {}] }).rows).toHaveLength(2);
  });

  it.each([
    ['an array body', []],
    ['a string body', 'x'],
    ['an empty batch', { predictions: [] }],
    ['predictions not an array', { predictions: {} }],
    ['a batch with extra fields', { predictions: [{}], model: 'shop' }],
    ['too many rows', { predictions: new Array(MAX_BATCH + 1).fill({}) }],
  ])('rejects %s', (_, body) => {
    expect(rowsOf(body).problem).toBeDefined();
  });
});

describe('canonicalJson', () => {
  it('sorts keys', () => {
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
  });
});
