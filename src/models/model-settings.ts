import type { ErrorDetail } from '../common/api-error.js';
import { MAX_DURATION_TEXT, parseDuration } from '../common/durations.js';

export type FeatureSpec =
  | { type: 'number'; min?: number; max?: number; required?: boolean }
  | { type: 'category'; values: string[]; required?: boolean }
  | { type: 'text'; maxLength?: number; required?: boolean }
  | { type: 'boolean'; required?: boolean };

export const LABEL_SOURCES = ['manual', 'audit', 'direct', 'weak', 'implicit'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

export const CONDITION_OPS = ['>', '>=', '<', '<=', '=='] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface LabelRule {
  event: string;
  label: string;
  within: string;
  priority: number;
  when?: { op: ConditionOp; value: number };
}

export interface ImplicitLabel {
  label: string;
  after: string;
}

export interface LabelingSettings {
  leaseTtl: string;
  labelsPerItem: number;
  auditFraction: number;
}

export interface AlertSettings {
  minAccuracy: number | null;
  maxDrop: number | null;
  baselineWindow: string;
  minSupport: number;
  /** A slice below the rest of the model is flagged only when its interval is this far below. */
  minGap: number;
}

export interface FeedbackSettings {
  minExplorationShare: number;
  maxSelfAgreementGap: number;
  maxCoverageRatio: number;
  maxPriorShift: number;
  /** Warn when more of the labels than this are direct or implicit labels on the model's own exposures. */
  maxModelDrivenShare: number;
  /** Block when the self-agreement gap's interval lies wholly above this. */
  blockSelfAgreementGap: number;
  maxImplicitEcho: number;
  maxMissingPropensityShare: number;
  /** Warn when the exposure Gini rose by more than this against the previous window. */
  maxGiniIncrease: number;
  /** Predictions a class needs before its labeled rate counts in selection coverage. */
  minSupport: number;
}

export interface ExportSettings {
  maxIpsWeight: number;
  validationFraction: number;
}

/** The optional sections of a model definition, with defaults applied. */
export interface ModelSettings {
  labelRules: LabelRule[];
  implicitLabel: ImplicitLabel | null;
  labelSourceOrder: LabelSource[];
  eventRetention: string;
  /**
   * Windows close no sooner than this after the prediction was logged (capped at the window's own
   * length), so that back-filled history can be followed by its events.
   */
  eventGrace: string;
  labeling: LabelingSettings;
  alerts: AlertSettings;
  feedback: FeedbackSettings;
  exports: ExportSettings;
}

export const DEFAULT_SETTINGS: ModelSettings = {
  labelRules: [],
  implicitLabel: null,
  labelSourceOrder: ['manual', 'audit', 'direct', 'weak', 'implicit'],
  eventRetention: '7d',
  eventGrace: '10m',
  labeling: { leaseTtl: '10m', labelsPerItem: 1, auditFraction: 0.1 },
  alerts: { minAccuracy: null, maxDrop: 0.1, baselineWindow: '7d', minSupport: 30, minGap: 0.05 },
  feedback: {
    minExplorationShare: 0.05,
    maxSelfAgreementGap: 0.1,
    maxCoverageRatio: 5,
    maxPriorShift: 0.1,
    maxModelDrivenShare: 0.95,
    blockSelfAgreementGap: 0.25,
    maxImplicitEcho: 0.9,
    maxMissingPropensityShare: 0.01,
    maxGiniIncrease: 0.1,
    minSupport: 30,
  },
  exports: { maxIpsWeight: 20, validationFraction: 0.1 },
};

export interface ModelDefinitionInput {
  classes: string[];
  sliceKeys: string[];
  sliceCrosses?: [string, string][];
  featureSchema?: Record<string, unknown>;
  labelRules?: LabelRule[];
  implicitLabel?: ImplicitLabel | null;
  labelSourceOrder?: LabelSource[];
}

/**
 * Checks that span fields (class names in rules, slice keys in crosses, durations, the feature
 * schema), which field-level validation cannot see. Returns every problem found.
 */
export function checkModelDefinition(input: ModelDefinitionInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const classes = new Set(input.classes);
  if (classes.size !== input.classes.length) problems.push({ field: 'classes', message: 'class names must be unique' });
  const sliceKeys = new Set(input.sliceKeys);
  if (sliceKeys.size !== input.sliceKeys.length) problems.push({ field: 'sliceKeys', message: 'slice keys must be unique' });
  (input.sliceCrosses ?? []).forEach(([a, b], i) => {
    if (!sliceKeys.has(a) || !sliceKeys.has(b)) {
      problems.push({ field: `sliceCrosses.${i}`, message: `both keys of a cross must be in sliceKeys (got "${a}", "${b}")` });
    } else if (a === b) {
      problems.push({ field: `sliceCrosses.${i}`, message: 'a cross needs two different slice keys' });
    }
  });
  (input.labelRules ?? []).forEach((rule, i) => {
    if (!classes.has(rule.label))
      problems.push({ field: `labelRules.${i}.label`, message: `"${rule.label}" is not one of the model's classes` });
    if (parseDuration(rule.within) === null)
      problems.push({
        field: `labelRules.${i}.within`,
        message: `must be a duration such as "30m" or "7d", at most ${MAX_DURATION_TEXT}`,
      });
  });
  if (input.implicitLabel) {
    if (!classes.has(input.implicitLabel.label)) {
      problems.push({
        field: 'implicitLabel.label',
        message: `"${input.implicitLabel.label}" is not one of the model's classes`,
      });
    }
    if (parseDuration(input.implicitLabel.after) === null) {
      problems.push({
        field: 'implicitLabel.after',
        message: `must be a duration such as "30m" or "7d", at most ${MAX_DURATION_TEXT}`,
      });
    }
  }
  if (input.labelSourceOrder && new Set(input.labelSourceOrder).size !== input.labelSourceOrder.length) {
    problems.push({ field: 'labelSourceOrder', message: 'each label source may appear once' });
  }
  if (input.featureSchema !== undefined && input.featureSchema !== null)
    problems.push(...checkFeatureSchema(input.featureSchema));
  return problems;
}

export function checkFeatureSchema(schema: Record<string, unknown>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const [name, raw] of Object.entries(schema)) {
    const field = `featureSchema.${name}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ field, message: 'must be an object such as {"type": "number", "min": 0}' });
      continue;
    }
    const spec = raw as Record<string, unknown>;
    const allowed: Record<string, string[]> = {
      number: ['type', 'min', 'max', 'required'],
      category: ['type', 'values', 'required'],
      text: ['type', 'maxLength', 'required'],
      boolean: ['type', 'required'],
    };
    const type = spec.type;
    if (typeof type !== 'string' || !(type in allowed)) {
      problems.push({ field: `${field}.type`, message: 'must be one of number, category, text, boolean' });
      continue;
    }
    for (const key of Object.keys(spec)) {
      if (!allowed[type].includes(key)) problems.push({ field: `${field}.${key}`, message: `not allowed for a ${type} feature` });
    }
    if (spec.required !== undefined && typeof spec.required !== 'boolean')
      problems.push({ field: `${field}.required`, message: 'must be a boolean' });
    if (type === 'number') {
      for (const bound of ['min', 'max'] as const) {
        if (spec[bound] !== undefined && !(typeof spec[bound] === 'number' && Number.isFinite(spec[bound]))) {
          problems.push({ field: `${field}.${bound}`, message: 'must be a finite number' });
        }
      }
      if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) {
        problems.push({ field: `${field}.min`, message: 'must not exceed max' });
      }
    }
    if (type === 'category') {
      const values = spec.values;
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
        problems.push({ field: `${field}.values`, message: 'must be a non-empty list of strings' });
      } else if (new Set(values).size !== values.length) {
        problems.push({ field: `${field}.values`, message: 'values must be unique' });
      }
    }
    if (
      type === 'text' &&
      spec.maxLength !== undefined &&
      !(Number.isInteger(spec.maxLength) && (spec.maxLength as number) > 0)
    ) {
      problems.push({ field: `${field}.maxLength`, message: 'must be a positive integer' });
    }
  }
  return problems;
}
