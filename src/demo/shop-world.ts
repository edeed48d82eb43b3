import { SeededRandom } from '../common/random.js';
import { softmax, ZipfSampler } from './random.js';

export const MODEL_NAME = 'shop-recommender';
export const CLASSES = ['purchase', 'click', 'ignore'] as const;
export type Outcome = (typeof CLASSES)[number];
export const COUNTRIES = ['de', 'fr', 'us', 'br', 'in'] as const;
export const DEVICES = ['mobile', 'desktop', 'tablet'] as const;
export const WEATHERS = ['sun', 'rain', 'snow'] as const;
export type Weather = (typeof WEATHERS)[number];
export type ExposurePolicy = 'model' | 'explore' | 'none';

/** The registry definition the simulator PUTs to /api/v1/models/shop-recommender. */
export const SHOP_RECOMMENDER_MODEL = {
  classes: [...CLASSES],
  sliceKeys: ['country', 'device', 'weather'],
  sliceCrosses: [['country', 'device']] as [string, string][],
  featureSchema: {
    price: { type: 'number', min: 0, required: true },
    country: { type: 'category', values: [...COUNTRIES], required: true },
    device: { type: 'category', values: [...DEVICES], required: true },
    weather: { type: 'category', values: [...WEATHERS] },
    category: { type: 'text', maxLength: 50 },
    title: { type: 'text', maxLength: 200 },
    user_tenure_days: { type: 'number', min: 0 },
    hour: { type: 'number', min: 0, max: 23 },
  },
  labelRules: [
    { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
    { event: 'click', label: 'click', within: '30m', priority: 10 },
  ],
  implicitLabel: { label: 'ignore', after: '30m' },
  // The demo back-fills two days of history and sends its events within seconds.
  eventGrace: '10s',
};

/** Labeling functions the demo registers, so that the labeling-functions page has votes and a fitted label model. */
export const DEMO_LABELING_FUNCTIONS: Record<string, Record<string, unknown>> = {
  cheap_items: { kind: 'range', feature: 'price', label: 'click', max: 20 },
  night_owls: { kind: 'range', feature: 'hour', label: 'ignore', min: 0, max: 5 },
  premium_words: { kind: 'keyword', feature: 'title', label: 'purchase', keywords: ['deluxe', 'pro'] },
};

const CATEGORY_ITEMS: Record<string, { nouns: string[]; medianPrice: number }> = {
  shoes: { nouns: ['running shoes', 'leather boots', 'sandals', 'sneakers', 'hiking boots'], medianPrice: 70 },
  books: { nouns: ['cookbook', 'thriller', 'field guide', 'biography', 'poetry collection'], medianPrice: 15 },
  garden: { nouns: ['garden hose', 'pruning shears', 'seed kit', 'planter', 'lawn sprinkler'], medianPrice: 25 },
  electronics: { nouns: ['headphones', 'phone charger', 'smart speaker', 'e-reader', 'webcam'], medianPrice: 60 },
  kitchen: { nouns: ['chef knife', 'kettle', 'cast-iron pan', 'coffee grinder', 'blender'], medianPrice: 35 },
  toys: { nouns: ['puzzle', 'building blocks', 'plush bear', 'board game', 'kite'], medianPrice: 20 },
};
const CATEGORIES = Object.keys(CATEGORY_ITEMS);
const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Everyday', 'Nordic', 'Pro', 'Vintage', 'Bright', 'Urban'];
const UTC_OFFSET_HOURS: Record<string, number> = { de: 1, fr: 1, us: -5, br: -3, in: 5 };

const CATALOGUE_SIZE = 500;
const CANDIDATES = 20;
/** How sharply the observable signals decide the outcome; larger means a more predictable world. */
const SHARPNESS = 3;

export interface Item {
  id: string;
  category: string;
  title: string;
  price: number;
  appeal: number;
}

export interface PredictionPayload {
  id: string;
  model: string;
  modelVersion: string;
  timestamp: string;
  features: {
    price: number;
    country: string;
    device: string;
    weather: Weather;
    category: string;
    title: string;
    user_tenure_days: number;
    hour: number;
  };
  prediction: Outcome;
  scores: Record<Outcome, number>;
  itemId: string;
  exposure: { policy: ExposurePolicy; propensity: number; shown: boolean };
}

/** What really happened after a prediction, known only to the simulator; behaviour events are played from it. */
export interface Truth {
  outcome: Outcome;
  ts: number;
  itemId: string;
  modelVersion: string;
  /** Delay from the prediction to the user's click, when there is one. */
  clickAfterMs: number | null;
  /** Delay from the prediction to the purchase, when there is one (always after the click). */
  purchaseAfterMs: number | null;
}

export interface SimulatedPrediction {
  payload: PredictionPayload;
  truth: Truth;
}

export interface ShopWorldOptions {
  /** Predictions from this time on come from model version v2; earlier ones from v1. */
  v2Since: number;
  /** From `since`, one country's price feed sends cents instead of units (a unit change the monitoring page catches). */
  priceInCents?: { country: string; since: number };
}

/**
 * A recommender and its users: each call picks a user context, lets the model choose an item from
 * a Zipf-popular catalogue, scores the user's response and draws what the user really does. In the
 * rain the model is less sure of itself and, because rainy-day shoppers behave differently from
 * what it learnt, less right too.
 */
export class ShopWorld {
  readonly catalogue: Item[];
  private readonly affinity: Record<string, Record<string, number>>;
  private readonly popularity = new ZipfSampler(CATALOGUE_SIZE, 1);
  private readonly rng: SeededRandom;

  constructor(
    seed: number,
    private readonly options: ShopWorldOptions,
  ) {
    const root = new SeededRandom(seed);
    const catalogueRng = root.fork();
    this.rng = root.fork();
    this.catalogue = Array.from({ length: CATALOGUE_SIZE }, (_, rank) => makeItem(catalogueRng, rank));
    this.affinity = Object.fromEntries(
      COUNTRIES.map((country) => [country, Object.fromEntries(CATEGORIES.map((c) => [c, catalogueRng.normal(0, 0.5)]))]),
    );
  }

  /** The price as the feed logs it: the item's, or in cents once that country's feed switched. */
  private loggedPrice(price: number, country: string, ts: number): number {
    const c = this.options.priceInCents;
    return c && c.country === country && ts >= c.since ? Math.round(price * 100) : price;
  }

  versionAt(ts: number): 'v1' | 'v2' {
    return ts >= this.options.v2Since ? 'v2' : 'v1';
  }

  generate(id: string, ts: number): SimulatedPrediction {
    const rng = this.rng;
    const country = rng.weighted(COUNTRIES, [0.2, 0.15, 0.3, 0.15, 0.2]);
    const device = rng.weighted(DEVICES, [0.55, 0.35, 0.1]);
    const weather = rng.weighted(WEATHERS, [0.6, 0.3, 0.1]);
    const tenure = Math.min(3650, Math.round(rng.logNormal(120, 1.2)));
    const hour = (new Date(ts).getUTCHours() + UTC_OFFSET_HOURS[country] + 24) % 24;

    const { item, policy, propensity } = this.chooseItem(country);
    const signal = observableSignal(item, this.affinity[country][item.category], device, tenure, hour);

    const modelVersion = this.versionAt(ts);
    const modelNoise = modelVersion === 'v1' ? 1.1 : 0.35;
    const modelLogits = signal.map((s) => SHARPNESS * s + rng.normal(0, modelNoise));
    const scores = roundedScores(softmax(modelLogits, weather === 'rain' ? 2.2 : 1));

    // Rainy-day shoppers buy and browse more, and less predictably; the model never learnt that.
    const rainShift = weather === 'rain' ? [1.5, 1.5, -1.5] : [0, 0, 0];
    const hiddenNoise = weather === 'rain' ? 3 : 0.5;
    const trueLogits = signal.map((s, k) => SHARPNESS * s + rainShift[k] + rng.normal(0, hiddenNoise));
    const outcome = CLASSES[drawIndex(rng, softmax(trueLogits))];

    const clickAfterMs = outcome === 'ignore' ? null : Math.round(Math.min(25 * 60_000, rng.logNormal(20_000, 1)));
    const purchaseAfterMs =
      outcome === 'purchase' && clickAfterMs !== null
        ? clickAfterMs + Math.round(Math.min(6 * 86_400_000, rng.logNormal(40 * 60_000, 1.5)))
        : null;

    return {
      payload: {
        id,
        model: MODEL_NAME,
        modelVersion,
        timestamp: new Date(ts).toISOString(),
        features: {
          price: this.loggedPrice(item.price, country, ts),
          country,
          device,
          weather,
          category: item.category,
          title: item.title,
          user_tenure_days: tenure,
          hour,
        },
        prediction: argmax(scores),
        scores,
        itemId: item.id,
        exposure: { policy, propensity, shown: true },
      },
      truth: { outcome, ts, itemId: item.id, modelVersion, clickAfterMs, purchaseAfterMs },
    };
  }

  /**
   * Mostly the model's softmax choice among popular candidates, sometimes uniform exploration, rarely a
   * pinned item. Exploration stays below the feedback report's 5% on purpose: the demo shows its warning.
   */
  private chooseItem(country: string): { item: Item; policy: ExposurePolicy; propensity: number } {
    const rng = this.rng;
    const ranks = new Set<number>();
    for (let tries = 0; ranks.size < CANDIDATES && tries < CANDIDATES * 10; tries++) ranks.add(this.popularity.sample(rng));
    const candidates = [...ranks].map((rank) => this.catalogue[rank]);
    const policy = rng.weighted<ExposurePolicy>(['model', 'explore', 'none'], [0.95, 0.03, 0.02]);
    if (policy === 'explore') return { item: rng.pick(candidates), policy, propensity: roundProbability(1 / candidates.length) };
    if (policy === 'none') return { item: candidates.reduce((a, b) => (b.appeal > a.appeal ? b : a)), policy, propensity: 1 };
    const relevance = candidates.map((c) => c.appeal + this.affinity[country][c.category] - 0.3 * Math.log(c.price / 30));
    const probabilities = softmax(relevance, 0.5);
    const chosen = drawIndex(rng, probabilities);
    return { item: candidates[chosen], policy, propensity: roundProbability(probabilities[chosen]) };
  }
}

function makeItem(rng: SeededRandom, rank: number): Item {
  const category = rng.pick(CATEGORIES);
  const { nouns, medianPrice } = CATEGORY_ITEMS[category];
  const noun = rng.pick(nouns);
  return {
    id: `sku-${String(rank + 1).padStart(4, '0')}`,
    category,
    title: `${rng.pick(ADJECTIVES)} ${noun}`,
    price: Math.floor(rng.logNormal(medianPrice, 0.5)) + 0.99,
    appeal: rng.normal(0, 0.6),
  };
}

/** Per class (purchase, click, ignore): the part of the user's response that the features explain. */
function observableSignal(item: Item, affinity: number, device: string, tenure: number, hour: number): number[] {
  const interest = item.appeal + affinity;
  const evening = hour >= 18 && hour <= 22 ? 0.3 : hour <= 6 ? -0.3 : 0;
  const purchase =
    -1.6 +
    1.2 * interest -
    0.6 * Math.log(item.price / 30) +
    0.4 * Math.log(1 + tenure / 100) +
    (device === 'desktop' ? 0.4 : 0) +
    evening;
  const click = -0.3 + 0.9 * interest + (device === 'mobile' ? 0.3 : 0) + evening;
  const ignore = 2.3 - 1.2 * interest;
  return [purchase, click, ignore];
}

/** Scores rounded to six decimals (the wire format), still summing to 1 within 1e-5. */
function roundedScores(probabilities: number[]): Record<Outcome, number> {
  const r = (p: number) => Math.round(p * 1e6) / 1e6;
  return { purchase: r(probabilities[0]), click: r(probabilities[1]), ignore: r(probabilities[2]) };
}

function roundProbability(p: number): number {
  return Math.min(1, Math.max(1e-6, Math.round(p * 1e6) / 1e6));
}

export function argmax(scores: Record<Outcome, number>): Outcome {
  return CLASSES.reduce((best, c) => (scores[c] > scores[best] ? c : best));
}

function drawIndex(rng: SeededRandom, probabilities: number[]): number {
  let u = rng.next();
  for (let i = 0; i < probabilities.length; i++) {
    u -= probabilities[i];
    if (u < 0) return i;
  }
  return probabilities.length - 1;
}
