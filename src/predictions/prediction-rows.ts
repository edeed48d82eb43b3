import type { ErrorDetail } from '../common/api-error.js';
import {
  canonicalJson,
  isPrintable,
  MAX_BATCH,
  MAX_SLICE_VALUE,
  parseTimestamp,
  ROW_ID,
  rowsOf as rowsOfBody,
  unknownFields,
  shortHash as hash,
} from '../common/rows.js';
import { storedDuration } from '../common/durations.js';
import { compileRules, type CompiledRules, windowCloses } from '../events/rules.js';
import type { FeatureSpec, ImplicitLabel, LabelRule } from '../models/model-settings.js';
import { EXPOSURE_POLICIES, type ExposurePolicy } from './prediction.entity.js';
import { uncertainty } from './uncertainty.js';

export { canonicalJson, MAX_BATCH };
const MAX_FEATURES = 1000;
const TRACE_ID = /^[\w.:-]{1,64}$/;
const ALLOWED = new Set([
  'id',
  'model',
  'modelVersion',
  'timestamp',
  'features',
  'prediction',
  'scores',
  'slices',
  'itemId',
  'exposure',
  'traceId',
]);
const EXPOSURE_KEYS = new Set(['policy', 'propensity', 'shown']);

/** What validation needs to know of a model. */
export interface ModelShape {
  name: string;
  classes: string[];
  sliceKeys: string[];
  featureSchema: Record<string, FeatureSpec> | null;
  settings?: { labelRules: LabelRule[]; implicitLabel: ImplicitLabel | null; eventGrace?: string };
}

interface CompiledModel extends ModelShape {
  classSet: Set<string>;
  sliceKeySet: Set<string>;
  rules: CompiledRules;
  graceMs: number;
}

/** The lookup validation uses, built once per request. */
export function compileModels(models: Iterable<ModelShape>): Map<string, CompiledModel> {
  const out = new Map<string, CompiledModel>();
  for (const m of models) {
    const rules = compileRules(m.settings?.labelRules ?? [], m.settings?.implicitLabel ?? null);
    const graceMs = storedDuration(m.settings?.eventGrace ?? '') ?? 0;
    out.set(m.name, { ...m, classSet: new Set(m.classes), sliceKeySet: new Set(m.sliceKeys), rules, graceMs });
  }
  return out;
}

export type FeatureValue = string | number | boolean | null;

/** A validated prediction, ready to store. */
export interface PredictionRow {
  model: string;
  id: string;
  modelVersion: string;
  ts: number;
  featuresJson: string;
  prediction: string;
  scoresJson: string;
  slicesJson: string;
  itemId: string | null;
  exposurePolicy: ExposurePolicy | null;
  propensity: number | null;
  shown: boolean | null;
  traceId: string | null;
  leastConfidence: number;
  margin: number;
  entropy: number;
  featureHash: string;
  contentHash: string;
  /** When the implicit label is due (model has one, prediction shown), else null. */
  implicitAt: number | null;
  /** When the last attribution window closes, else null (no rules). */
  finalAt: number | null;
}

export interface ValidationContext {
  models: Map<string, CompiledModel>;
  now: number;
  /** The trace id of the request's traceparent header, for rows that carry none. */
  traceId: string | null;
}

/** The rows of a request body: one prediction, or {predictions: [...]}. */
export function rowsOf(body: unknown) {
  return rowsOfBody(body, 'predictions', 'prediction');
}

/** Validates one raw row; pushes every problem it finds into `errors` and returns the row only when it has none. */
export function validatePrediction(
  raw: unknown,
  index: number,
  ctx: ValidationContext,
  errors: ErrorDetail[],
): PredictionRow | null {
  const before = errors.length;
  const bad = (field: string, message: string) => errors.push({ index, field, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    bad('', 'must be an object');
    return null;
  }
  const r = raw as Record<string, unknown>;
  unknownFields(r, ALLOWED, bad);

  const id = r.id;
  if (typeof id !== 'string' || !ROW_ID.test(id)) bad('id', 'required: a string of 1-200 printable characters');
  let model: CompiledModel | undefined;
  if (typeof r.model !== 'string') bad('model', 'required: the name of a registered model');
  else if (!(model = ctx.models.get(r.model)))
    bad('model', `unknown model "${r.model}": register it with PUT /api/v1/models/${r.model}`);
  if (!isPrintable(r.modelVersion, 100)) bad('modelVersion', 'required: a string of 1-100 printable characters');

  let ts = ctx.now;
  if (r.timestamp !== undefined) {
    const parsed = parseTimestamp(r.timestamp, ctx.now);
    if (typeof parsed === 'string') bad('timestamp', parsed);
    else ts = parsed;
  }

  const features = checkFeatures(r.features, model, bad);
  const classIndex = model ? model.classSet : null;
  if (typeof r.prediction !== 'string') bad('prediction', "required: one of the model's classes");
  else if (classIndex && !classIndex.has(r.prediction)) bad('prediction', `"${r.prediction}" is not one of the model's classes`);
  const scores = checkScores(r.scores, classIndex, bad);
  const slices = model ? checkSlices(r.slices, features, model, bad) : null;

  let itemId: string | null = null;
  if (r.itemId !== undefined && r.itemId !== null) {
    if (isPrintable(r.itemId, 200) || (typeof r.itemId === 'number' && Number.isFinite(r.itemId))) {
      itemId = String(r.itemId);
    } else bad('itemId', 'must be a string of 1-200 printable characters or a number');
  }
  const exposure = checkExposure(r.exposure, bad);
  let traceId = ctx.traceId;
  if (r.traceId !== undefined) {
    if (typeof r.traceId === 'string' && TRACE_ID.test(r.traceId)) traceId = r.traceId;
    else bad('traceId', 'must be 1-64 letters, digits, _ . : -');
  }

  if (errors.length > before || !model || !features || !scores || !slices) return null;
  const featuresJson = canonicalJson(features);
  const scoresJson = canonicalJson(scores);
  const slicesJson = canonicalJson(slices);
  const u = uncertainty(Object.values(scores));
  const contentHash = hash(
    JSON.stringify([
      id,
      model.name,
      r.modelVersion,
      r.timestamp === undefined ? null : ts,
      featuresJson,
      r.prediction,
      scoresJson,
      r.slices === undefined ? null : slicesJson,
      itemId,
      exposure ? [exposure.policy, exposure.propensity, exposure.shown] : null,
      r.traceId ?? null,
    ]),
  );
  return {
    model: model.name,
    id: id as string,
    modelVersion: r.modelVersion as string,
    ts,
    featuresJson,
    prediction: r.prediction as string,
    scoresJson,
    slicesJson,
    itemId,
    exposurePolicy: exposure?.policy ?? null,
    propensity: exposure?.propensity ?? null,
    shown: exposure?.shown ?? null,
    traceId,
    ...u,
    featureHash: hash(featuresJson),
    contentHash,
    implicitAt:
      model.rules.implicit && exposure?.shown !== false
        ? windowCloses(model.rules.implicit.afterMs, ts, ctx.now, model.graceMs)
        : null,
    finalAt: model.rules.finalAfterMs === null ? null : windowCloses(model.rules.finalAfterMs, ts, ctx.now, model.graceMs),
  };
}

type Bad = (field: string, message: string) => void;

function checkFeatures(value: unknown, model: ModelShape | undefined, bad: Bad): Record<string, FeatureValue> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('features', 'required: a flat object of string, number, boolean or null values');
    return null;
  }
  const features = value as Record<string, unknown>;
  if (Object.keys(features).length > MAX_FEATURES) {
    bad('features', `at most ${MAX_FEATURES} features`);
    return null;
  }
  let ok = true;
  for (const key in features) {
    const v = features[key];
    if (typeof v === 'number' ? !Number.isFinite(v) : v !== null && typeof v !== 'string' && typeof v !== 'boolean') {
      bad(
        `features.${key}`,
        typeof v === 'number' ? 'must be a finite number' : 'must be a string, number, boolean or null (features are flat)',
      );
      ok = false;
    }
  }
  if (model?.featureSchema) {
    for (const name in model.featureSchema) {
      const problem = checkFeature(model.featureSchema[name], Object.hasOwn(features, name) ? features[name] : undefined);
      if (problem) {
        bad(`features.${name}`, problem);
        ok = false;
      }
    }
  }
  return ok ? (features as Record<string, FeatureValue>) : null;
}

/** Why a feature value breaks its declared spec, or null when it fits. */
export function checkFeature(spec: FeatureSpec, value: unknown): string | null {
  if (value === undefined || value === null) return spec.required ? "required by the model's feature schema" : null;
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number') return 'must be a number';
      if (spec.min !== undefined && value < spec.min) return `must be >= ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be <= ${spec.max}`;
      return null;
    case 'category':
      return typeof value === 'string' && spec.values.includes(value)
        ? null
        : `must be one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      return spec.maxLength !== undefined && value.length > spec.maxLength
        ? `must be at most ${spec.maxLength} characters`
        : null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
  }
}

function checkScores(value: unknown, classes: Set<string> | null, bad: Bad): Record<string, number> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('scores', 'required: an object of class -> probability');
    return null;
  }
  const scores = value as Record<string, unknown>;
  let sum = 0;
  let ok = true;
  let count = 0;
  for (const cls in scores) {
    count++;
    const p = scores[cls];
    if (classes && !classes.has(cls)) {
      bad(`scores.${cls}`, `"${cls}" is not one of the model's classes`);
      ok = false;
    } else if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 1) {
      bad(`scores.${cls}`, 'must be a probability in [0, 1]');
      ok = false;
    } else sum += p;
  }
  if (ok && count === 0) {
    bad('scores', 'must give at least one class probability');
    ok = false;
  }
  if (ok && Math.abs(sum - 1) > 1e-3) {
    bad('scores', `probabilities must sum to 1 (within 0.001); they sum to ${Number(sum.toFixed(6))}`);
    ok = false;
  }
  return ok ? (scores as Record<string, number>) : null;
}

function checkSlices(
  value: unknown,
  features: Record<string, FeatureValue> | null,
  model: CompiledModel,
  bad: Bad,
): Record<string, string> | null {
  // No prototype: a slice key named __proto__ or constructor is a plain key here.
  const slices = Object.create(null) as Record<string, string>;
  let ok = true;
  if (features) {
    for (const key of model.sliceKeys) {
      const v = Object.hasOwn(features, key) ? features[key] : null;
      if (v === null) continue;
      const text = String(v);
      if (text === '' || isPrintable(text, MAX_SLICE_VALUE)) slices[key] = text;
      else {
        bad(`features.${key}`, `is a slice key: its value must be at most ${MAX_SLICE_VALUE} printable characters`);
        ok = false;
      }
    }
  }
  if (value === undefined || value === null) return ok ? slices : null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    bad('slices', 'must be an object of slice key -> value');
    return null;
  }
  const given = value as Record<string, unknown>;
  for (const key in given) {
    const v = given[key];
    if (!model.sliceKeySet.has(key)) {
      bad(`slices.${key}`, `"${key}" is not one of the model's sliceKeys (${model.sliceKeys.join(', ') || 'none declared'})`);
      ok = false;
    } else if (isPrintable(v, MAX_SLICE_VALUE) || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
      slices[key] = String(v);
    } else if (v !== null) {
      bad(`slices.${key}`, `must be a string of 1-${MAX_SLICE_VALUE} printable characters, a number or a boolean`);
      ok = false;
    }
  }
  return ok ? slices : null;
}

function checkExposure(
  value: unknown,
  bad: Bad,
): { policy: ExposurePolicy | null; propensity: number | null; shown: boolean | null } | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    bad('exposure', 'must be an object {policy, propensity, shown}');
    return null;
  }
  const e = value as Record<string, unknown>;
  for (const key in e) if (!EXPOSURE_KEYS.has(key)) bad(`exposure.${key}`, 'unknown field');
  let policy: ExposurePolicy | null = null;
  if (e.policy !== undefined) {
    if (typeof e.policy === 'string' && (EXPOSURE_POLICIES as readonly string[]).includes(e.policy))
      policy = e.policy as ExposurePolicy;
    else bad('exposure.policy', 'must be one of model, explore, none');
  }
  let propensity: number | null = null;
  if (e.propensity !== undefined && e.propensity !== null) {
    if (typeof e.propensity === 'number' && Number.isFinite(e.propensity) && e.propensity > 0 && e.propensity <= 1)
      propensity = e.propensity;
    else bad('exposure.propensity', 'must be a probability in (0, 1]');
  }
  let shown: boolean | null = null;
  if (e.shown !== undefined) {
    if (typeof e.shown === 'boolean') shown = e.shown;
    else bad('exposure.shown', 'must be true or false');
  }
  return { policy, propensity, shown };
}
