import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../common/random.js';
import { featureDrift, oovShare, predictionDrift, type SliceCell } from './drift.js';
import { type FeatureProfile, type PredictionProfile, PREDICTIONS } from './profile.js';
import { ProfileDeltas, type ProfiledRow } from './profiler.js';

const SCHEMA = {
  price: { type: 'number' as const, min: 0 },
  country: { type: 'category' as const, values: ['de', 'fr', 'us'] },
  title: { type: 'text' as const },
};

/** Profiles rows into one timeless cell per slice, as a baseline from rows is. */
function cells(rows: ProfiledRow[]): SliceCell[] {
  const deltas = new ProfileDeltas({ schema: SCHEMA, crosses: [], grains: ['all'] });
  for (const r of rows) deltas.add(r);
  const bySlice = new Map<string, SliceCell>();
  for (const { key, profile } of deltas.cells.values()) {
    const id = `${key.sliceKey}=${key.sliceValue}`;
    const cell = bySlice.get(id) ?? { key: key.sliceKey, value: key.sliceValue, rows: 0, features: new Map(), predictions: null };
    if (key.feature === PREDICTIONS) {
      cell.predictions = profile as PredictionProfile;
      cell.rows = cell.predictions.n;
    } else cell.features.set(key.feature, profile as FeatureProfile);
    bySlice.set(id, cell);
  }
  return [...bySlice.values()];
}

function world(seed: number, n: number, drift: { priceFactorIn?: string; words?: string[] } = {}): ProfiledRow[] {
  const random = new SeededRandom(seed);
  const countries = ['de', 'fr', 'us'];
  return Array.from({ length: n }, (_, i) => {
    const country = countries[i % 3];
    const factor = drift.priceFactorIn === country ? 100 : 1;
    const words = drift.words ?? ['red', 'shoe', 'blue', 'book', 'lamp'];
    return {
      modelVersion: 'v1',
      ts: 0,
      features: {
        price: (Math.round((20 + 10 * random.normal()) * 100) / 100) * factor,
        country,
        title: `${words[random.int(words.length)]} ${words[random.int(words.length)]}`,
      },
      slices: { country },
      prediction: random.next() < 0.6 ? 'a' : 'b',
      scores: { a: 0.6, b: 0.4 },
    };
  });
}

describe('feature drift on seeded worlds', () => {
  it('flags only the feature and slice whose units changed, as a unit change', () => {
    const baseline = cells(world(1, 6000));
    const current = cells(world(2, 6000, { priceFactorIn: 'fr' }));
    const drifted = featureDrift(current, baseline, { schema: SCHEMA }).filter((d) => d.drifted);
    const where = drifted.map((d) => `${d.feature}@${d.slice ? `${d.slice.key}=${d.slice.value}` : '*'}`);
    expect(where).toEqual(expect.arrayContaining(['price@country=fr', 'price@*']));
    expect(where.filter((w) => !w.startsWith('price@'))).toEqual([]);
    expect(where).not.toContain('price@country=de');
    const fr = drifted.find((d) => d.slice?.value === 'fr')!;
    expect(fr).toMatchObject({ metric: 'wasserstein_norm', threshold: 0.1, likelyCause: 'unit_change' });
  });

  it('does not flag the same world drawn twice, small or large', () => {
    for (const n of [300, 6000]) {
      const d = featureDrift(cells(world(3, n)), cells(world(4, n)), { schema: SCHEMA });
      expect(d.filter((x) => x.drifted)).toEqual([]);
    }
  });

  it('uses KS and chi-squared with a Benjamini-Hochberg correction on small baselines', () => {
    const d = featureDrift(cells(world(5, 300, { priceFactorIn: 'us' })), cells(world(6, 300)), { schema: SCHEMA });
    const price = d.find((x) => x.feature === 'price' && x.slice?.value === 'us')!;
    expect(price.metric).toBe('ks');
    expect(price.pAdjusted).toBeLessThan(0.05);
    expect(price.drifted).toBe(true);
    expect(d.find((x) => x.feature === 'country' && x.slice === null)!.metric).toBe('chisquare');
  });

  it('reports the out-of-vocabulary share of a text feature against the vocabulary of the baseline compared with', () => {
    const current = cells(world(7, 3000, { words: ['zorb', 'quux', 'red'] }));
    const d = featureDrift(current, cells(world(8, 3000)), { schema: SCHEMA });
    const title = d.find((x) => x.feature === 'title' && x.slice === null)!;
    // Two tokens a title, each zorb or quux (outside) with probability 2/3.
    expect(title.oovRate).toBeCloseTo(2 / 3, 1);
    expect(title).toMatchObject({ metric: 'oov_rate', drifted: true, likelyCause: 'vocabulary_shift' });
    // Against a baseline that already has those words, the same window has no OOV tokens.
    const same = featureDrift(current, cells(world(9, 3000, { words: ['zorb', 'quux', 'red'] })), { schema: SCHEMA });
    expect(same.find((x) => x.feature === 'title' && x.slice === null)).toMatchObject({ oovRate: 0, drifted: false });
  });

  it.each<[string, Record<string, number>, number, Record<string, number>, number | null]>([
    ['every token known', { a: 3, b: 1 }, 0, { a: 1, b: 1 }, 0],
    ['one of four tokens unknown', { a: 3, z: 1 }, 0, { a: 1, b: 1 }, 0.25],
    ["the window's tail counts as outside", { a: 2 }, 2, { a: 1 }, 0.5],
    ['no tokens', {}, 0, { a: 1 }, null],
  ])('oovShare: %s', (_, window, other, baseline, expected) => {
    const tally = (counts: Record<string, number>, rest = 0) => ({ counts, other: rest, capped: rest > 0 });
    expect(oovShare(tally(window, other), tally(baseline))).toBe(expected);
  });

  it('gives an empty window n = 0 and no verdict', () => {
    const d = featureDrift([{ key: '*', value: '*', rows: 0, features: new Map(), predictions: null }], cells(world(9, 500)), {
      schema: SCHEMA,
    });
    expect(d.length).toBeGreaterThan(0);
    for (const x of d) expect(x).toMatchObject({ n: 0, drifted: null, value: null });
  });

  it('reports a feature gone missing upstream and a feature that changed type', () => {
    const current = world(10, 2000).map((r) => ({ ...r, features: { ...r.features, price: undefined, title: 7 } }));
    const d = featureDrift(cells(current), cells(world(11, 2000)), { schema: SCHEMA });
    expect(d.find((x) => x.feature === 'price' && !x.slice)).toMatchObject({
      drifted: true,
      likelyCause: 'missing_upstream_feature',
    });
    const title = d.find((x) => x.feature === 'title' && !x.slice)!;
    expect(title).toMatchObject({ typeChanged: true, drifted: true, likelyCause: 'type_change' });
    expect(title.violations.wrongType).toBe(2000);
  });
});

describe('high-cardinality categories', () => {
  it('keeps the top 100 values with the rest as other, reports the cap, and still compares the cells', () => {
    const ids = (seed: number, n: number, distinct: number) =>
      world(seed, n).map((r, i) => ({ ...r, features: { ...r.features, user: `u${(i * 7919) % distinct}` } }));
    const d = featureDrift(cells(ids(12, 3000, 1000)), cells(ids(13, 3000, 1000)), { schema: SCHEMA });
    const user = d.find((x) => x.feature === 'user' && x.slice === null)!;
    expect(user).toMatchObject({ type: 'category', categoriesCapped: true, categoryCap: 100, metric: 'jensenshannon' });
    const profile = cells(ids(12, 3000, 1000))
      .find((c) => c.key === '*')!
      .features.get('user')!;
    expect(Object.keys(profile.cat!.counts)).toHaveLength(100);
    const kept = Object.values(profile.cat!.counts).reduce((a, b) => a + b, 0);
    expect(kept + profile.cat!.other).toBe(3000);
    expect(profile.cat!.capped).toBe(true);
    const few = featureDrift(cells(ids(12, 3000, 50)), cells(ids(13, 3000, 50)), { schema: SCHEMA });
    expect(few.find((x) => x.feature === 'user' && x.slice === null)).toMatchObject({ categoriesCapped: false });
    expect(few.find((x) => x.feature === 'user' && x.slice === null)!.categoryCap).toBeUndefined();
  });
});

describe('prediction drift', () => {
  it('compares predicted-class shares with Jensen-Shannon', () => {
    const base: PredictionProfile = { n: 1000, classes: { a: 500, b: 500 }, confidence: {} };
    const cur: PredictionProfile = { n: 1000, classes: { a: 900, b: 100 }, confidence: {} };
    const d = predictionDrift(cur, base, ['a', 'b']);
    expect(d.drifted).toBe(true);
    expect(d.classShares).toEqual({ a: 0.9, b: 0.1 });
    expect(predictionDrift(base, base, ['a', 'b']).drifted).toBe(false);
  });
});
