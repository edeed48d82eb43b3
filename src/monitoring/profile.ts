import type { FeatureSpec } from '../models/model-settings.js';
import {
  addCategory,
  addValue,
  type CategoryTally,
  emptySketch,
  emptyTally,
  mergeSketch,
  mergeTally,
  type NumericSketch,
} from './sketch.js';

/**
 * What one cell (model, version, bucket, slice) knows about one feature: the same structure for live
 * windows and baselines, and mergeable, so a window is the sum of its hours or days.
 */
export interface FeatureProfile {
  /** Rows that had the key with a non-null value. */
  present: number;
  /** Rows that had the key with null. */
  nulls: number;
  types: { number: number; string: number; boolean: number };
  violations: { outOfRange: number; unknownCategory: number; wrongType: number };
  num: NumericSketch | null;
  cat: CategoryTally | null;
  text: TextProfile | null;
}

export interface TextProfile {
  chars: NumericSketch;
  tokens: NumericSketch;
  /**
   * The most common tokens: a baseline's vocabulary, and what a window's OOV share is read from
   * against whichever baseline a drift request names.
   */
  vocab: CategoryTally;
}

/** The model's outputs in a cell: predicted-class counts and the predicted class's score, binned. */
export interface PredictionProfile {
  n: number;
  classes: Record<string, number>;
  /** Predicted class -> counts over CONFIDENCE_BINS equal bins of its score on [0, 1]. */
  confidence: Record<string, number[]>;
}

export const CONFIDENCE_BINS = 50;
/** The cell's prediction profile is stored under this feature name; a feature of that name is not profiled. */
export const PREDICTIONS = '__predictions__';
const VOCAB_CAP = 2000;
const TOKEN = /[\p{L}\p{N}]+/gu;

export function emptyFeatureProfile(): FeatureProfile {
  return {
    present: 0,
    nulls: 0,
    types: { number: 0, string: 0, boolean: 0 },
    violations: { outOfRange: 0, unknownCategory: 0, wrongType: 0 },
    num: null,
    cat: null,
    text: null,
  };
}

export function emptyPredictionProfile(): PredictionProfile {
  return { n: 0, classes: {}, confidence: {} };
}

export function tokensOf(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** Adds one observed value of a feature (undefined when the row lacks the key). */
export function observe(p: FeatureProfile, value: unknown, spec: FeatureSpec | undefined): void {
  if (value === undefined) return;
  if (value === null) {
    p.nulls++;
    return;
  }
  p.present++;
  const type = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
  p.types[type]++;
  if (spec && declaredType(spec) !== type) p.violations.wrongType++;
  if (type === 'number') {
    const v = value as number;
    p.num ??= emptySketch();
    addValue(p.num, v);
    if (spec?.type === 'number' && ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)))
      p.violations.outOfRange++;
    return;
  }
  const s = type === 'boolean' ? String(value) : (value as string);
  if (spec?.type === 'text') {
    p.text ??= { chars: emptySketch(), tokens: emptySketch(), vocab: emptyTally() };
    const tokens = tokensOf(s);
    addValue(p.text.chars, s.length);
    addValue(p.text.tokens, tokens.length);
    for (const t of tokens) addCategory(p.text.vocab, t, VOCAB_CAP);
    return;
  }
  p.cat ??= emptyTally();
  addCategory(p.cat, s);
  if (spec?.type === 'category' && !spec.values.includes(s)) p.violations.unknownCategory++;
}

function declaredType(spec: FeatureSpec): 'number' | 'string' | 'boolean' {
  return spec.type === 'number' ? 'number' : spec.type === 'boolean' ? 'boolean' : 'string';
}

export function observePrediction(p: PredictionProfile, predicted: string, scores: Record<string, number>): void {
  p.n++;
  p.classes[predicted] = (p.classes[predicted] ?? 0) + 1;
  const bins = (p.confidence[predicted] ??= new Array<number>(CONFIDENCE_BINS).fill(0));
  const score = scores[predicted] ?? 0;
  bins[Math.min(CONFIDENCE_BINS - 1, Math.max(0, Math.floor(score * CONFIDENCE_BINS)))]++;
}

export function mergeFeatureProfile(into: FeatureProfile, other: FeatureProfile): void {
  into.present += other.present;
  into.nulls += other.nulls;
  for (const k of ['number', 'string', 'boolean'] as const) into.types[k] += other.types[k];
  for (const k of ['outOfRange', 'unknownCategory', 'wrongType'] as const) into.violations[k] += other.violations[k];
  if (other.num) mergeSketch((into.num ??= emptySketch()), other.num);
  if (other.cat) mergeTally((into.cat ??= emptyTally()), other.cat);
  if (other.text) {
    into.text ??= { chars: emptySketch(), tokens: emptySketch(), vocab: emptyTally() };
    mergeSketch(into.text.chars, other.text.chars);
    mergeSketch(into.text.tokens, other.text.tokens);
    mergeTally(into.text.vocab, other.text.vocab, VOCAB_CAP);
  }
}

export function mergePredictionProfile(into: PredictionProfile, other: PredictionProfile): void {
  into.n += other.n;
  for (const [c, n] of Object.entries(other.classes)) into.classes[c] = (into.classes[c] ?? 0) + n;
  for (const [c, bins] of Object.entries(other.confidence)) {
    const target = (into.confidence[c] ??= new Array<number>(CONFIDENCE_BINS).fill(0));
    bins.forEach((n, i) => (target[i] += n));
  }
}

/** The feature's type as observed: the most common value type (category for strings without a text spec). */
export function observedType(p: FeatureProfile): 'number' | 'category' | 'text' | 'none' {
  if (p.present === 0) return 'none';
  if (p.text && p.types.string >= p.types.number) return 'text';
  return p.types.number >= p.types.string + p.types.boolean ? 'number' : 'category';
}
