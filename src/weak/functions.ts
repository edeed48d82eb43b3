import type { ErrorDetail } from '../common/api-error.js';
import type { FeatureSpec } from '../models/model-settings.js';
import { compileSafeRegex, RegexSyntaxError } from './safe-regex.js';

export const FUNCTION_KINDS = ['keyword', 'regex', 'range', 'category', 'score', 'external'] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** A labeling function as stored: declarative ones vote `label` when they match; external ones carry their own votes. */
export type FunctionDefinition =
  | { kind: 'keyword'; feature: string; label: string; keywords: string[] }
  | { kind: 'regex'; feature: string; label: string; pattern: string }
  | { kind: 'range'; feature: string; label: string; min: number | null; max: number | null }
  | { kind: 'category'; feature: string; label: string; values: string[] }
  | { kind: 'score'; label: string; class: string; min: number }
  | { kind: 'external'; label: string | null };

export interface Voter {
  feature: string | null;
  vote(features: Record<string, unknown>, scores: Record<string, number>): string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const MAX_KEYWORDS = 200;

export function checkFunctionName(name: string): ErrorDetail[] {
  return NAME.test(name) ? [] : [{ field: 'name', message: 'letters, digits, "_", "." and "-", up to 100 characters' }];
}

/**
 * Validates a function's body against the model (its classes and feature schema) and returns the
 * stored definition, or the problems found. Fields are checked by kind, so that a keyword function
 * with a `pattern` is told so rather than silently ignored.
 */
export function parseFunction(
  body: Record<string, unknown>,
  model: { classes: string[]; featureSchema: Record<string, FeatureSpec> | null },
): { definition: FunctionDefinition; enabled: boolean } | { problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const kind = body.kind;
  if (typeof kind !== 'string' || !(FUNCTION_KINDS as readonly string[]).includes(kind)) {
    return { problems: [{ field: 'kind', message: `must be one of ${FUNCTION_KINDS.join(', ')}` }] };
  }
  const allowed: Record<FunctionKind, string[]> = {
    keyword: ['feature', 'keywords'],
    regex: ['feature', 'pattern'],
    range: ['feature', 'min', 'max'],
    category: ['feature', 'values'],
    score: ['class', 'min'],
    external: [],
  };
  for (const key of Object.keys(body)) {
    if (body[key] === undefined) continue;
    if (!['kind', 'label', 'enabled', ...allowed[kind as FunctionKind]].includes(key))
      problems.push({ field: key, message: `not allowed for a ${kind} function` });
  }
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    problems.push({ field: 'enabled', message: 'must be a boolean' });
  const enabled = body.enabled !== false;
  const label = body.label;
  if (kind === 'external' && (label === undefined || label === null)) {
    return problems.length > 0 ? { problems } : { definition: { kind: 'external', label: null }, enabled };
  }
  if (typeof label !== 'string' || !model.classes.includes(label))
    problems.push({ field: 'label', message: `must be one of the model's classes (${model.classes.join(', ')})` });
  if (kind === 'external') return problems.length > 0 ? { problems } : { definition: { kind, label: label as string }, enabled };
  if (kind === 'score') {
    if (typeof body.class !== 'string' || !model.classes.includes(body.class))
      problems.push({ field: 'class', message: "must be one of the model's classes" });
    if (typeof body.min !== 'number' || !(body.min >= 0 && body.min <= 1))
      problems.push({ field: 'min', message: 'must be a number from 0 to 1' });
    return problems.length > 0
      ? { problems }
      : { definition: { kind, label: label as string, class: body.class as string, min: body.min as number }, enabled };
  }
  const feature = body.feature;
  const spec = typeof feature === 'string' ? model.featureSchema?.[feature] : undefined;
  const wants = kind === 'range' ? 'number' : kind === 'category' ? 'category' : 'text';
  if (typeof feature !== 'string' || feature.length === 0) problems.push({ field: 'feature', message: 'must name a feature' });
  else if (model.featureSchema && !spec)
    problems.push({ field: 'feature', message: `"${feature}" is not in the model's feature schema` });
  else if (spec && spec.type !== wants && !(kind === 'category' && spec.type === 'text'))
    problems.push({ field: 'feature', message: `a ${kind} function needs a ${wants} feature; "${feature}" is ${spec.type}` });
  const base = { feature: feature as string, label: label as string };
  switch (kind) {
    case 'keyword': {
      const k = body.keywords;
      if (
        !Array.isArray(k) ||
        k.length === 0 ||
        k.length > MAX_KEYWORDS ||
        !k.every((w) => typeof w === 'string' && w.trim() !== '')
      )
        problems.push({ field: 'keywords', message: `must be 1 to ${MAX_KEYWORDS} non-empty strings` });
      return problems.length > 0 ? { problems } : { definition: { kind, ...base, keywords: k as string[] }, enabled };
    }
    case 'regex': {
      if (typeof body.pattern !== 'string') problems.push({ field: 'pattern', message: 'must be a string' });
      else {
        try {
          compileSafeRegex(body.pattern);
        } catch (e) {
          if (!(e instanceof RegexSyntaxError)) throw e;
          problems.push({ field: 'pattern', message: `not a supported pattern: ${e.message}` });
        }
      }
      return problems.length > 0 ? { problems } : { definition: { kind, ...base, pattern: body.pattern as string }, enabled };
    }
    case 'range': {
      const bound = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));
      if (!bound(body.min)) problems.push({ field: 'min', message: 'must be a finite number' });
      if (!bound(body.max)) problems.push({ field: 'max', message: 'must be a finite number' });
      const min = typeof body.min === 'number' ? body.min : null;
      const max = typeof body.max === 'number' ? body.max : null;
      if (min === null && max === null) problems.push({ field: 'min', message: 'a range needs min, max or both' });
      if (min !== null && max !== null && min > max) problems.push({ field: 'min', message: 'must not exceed max' });
      return problems.length > 0 ? { problems } : { definition: { kind, ...base, min, max }, enabled };
    }
    default: {
      const v = body.values;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string'))
        problems.push({ field: 'values', message: 'must be a non-empty list of strings' });
      else if (spec?.type === 'category') {
        const unknown = v.filter((x) => !spec.values.includes(x as string));
        if (unknown.length > 0)
          problems.push({ field: 'values', message: `not values of "${base.feature}": ${unknown.join(', ')}` });
      }
      return problems.length > 0 ? { problems } : { definition: { kind: 'category', ...base, values: v as string[] }, enabled };
    }
  }
}

/** The function as something that votes on one prediction: its label, or null to abstain. Null for external functions. */
export function voterOf(definition: FunctionDefinition): Voter | null {
  switch (definition.kind) {
    case 'keyword': {
      const words = definition.keywords.map((w) => w.trim().toLowerCase());
      const test = keywordMatcher(words);
      return text(definition.feature, (s) => (test(s.toLowerCase()) ? definition.label : null));
    }
    case 'regex': {
      const regex = compileSafeRegex(definition.pattern);
      return text(definition.feature, (s) => (regex.test(s) ? definition.label : null));
    }
    case 'range':
      return {
        feature: definition.feature,
        vote: (features) => {
          const v = features[definition.feature];
          if (typeof v !== 'number') return null;
          if (definition.min !== null && v < definition.min) return null;
          if (definition.max !== null && v > definition.max) return null;
          return definition.label;
        },
      };
    case 'category': {
      const values = new Set(definition.values);
      return {
        feature: definition.feature,
        vote: (features) => {
          const v = features[definition.feature];
          return typeof v === 'string' && values.has(v) ? definition.label : null;
        },
      };
    }
    case 'score':
      return {
        feature: null,
        vote: (_features, scores) => ((scores[definition.class] ?? -1) >= definition.min ? definition.label : null),
      };
    case 'external':
      return null;
  }
}

function text(feature: string, vote: (s: string) => string | null): Voter {
  return {
    feature,
    vote: (features) => {
      const v = features[feature];
      return typeof v === 'string' ? vote(v) : null;
    },
  };
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/**
 * True when one of the (lower-cased) keywords occurs in the (lower-cased) text between word
 * boundaries: "win" matches "You win!" but not "winner". Keywords may be phrases.
 */
export function keywordMatcher(keywords: readonly string[]): (text: string) => boolean {
  return (s) => {
    for (const w of keywords) {
      let at = s.indexOf(w);
      while (at !== -1) {
        const before = s[at - 1];
        const after = s[at + w.length];
        if (!(isWordChar(w[0]) && isWordChar(before)) && !(isWordChar(w[w.length - 1]) && isWordChar(after))) return true;
        at = s.indexOf(w, at + 1);
      }
    }
    return false;
  };
}
