import type { FeatureSpec } from '../models/model-settings.js';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const MITIGATIONS = [
  'none',
  'ips_weights',
  'explore_only',
  'downsample_model_driven',
  'class_balance',
  'label_quality',
] as const;
export type Mitigation = (typeof MITIGATIONS)[number];

export type Split = 'train' | 'validation';

/** One exported prediction, as every writer receives it. */
export interface ExportRow {
  id: string;
  timestamp: number;
  modelVersion: string;
  features: Record<string, string | number | boolean | null>;
  label: string;
  labelSource: string;
  prediction: string;
  scores: Record<string, number>;
  slices: Record<string, string>;
  weight: number;
  split: Split;
  /** The label model's probability of a weak label (usable as a sample weight); null for other sources. */
  labelProbability: number | null;
}

export type ColumnType = 'string' | 'number' | 'boolean' | 'object';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

/**
 * The flat columns of CSV and Parquet. Features become columns when the model declares a feature
 * schema; without one they are kept as one JSON text column, since a stream cannot know every key
 * before it starts writing.
 */
export interface ExportLayout {
  featureNames: string[] | null;
  featureTypes: Record<string, ColumnType>;
  classes: string[];
  sliceKeys: string[];
}

export function exportLayout(model: {
  featureSchema: Record<string, FeatureSpec> | null;
  classes: string[];
  sliceKeys: string[];
}): ExportLayout {
  const schema = model.featureSchema;
  const featureNames = schema ? Object.keys(schema).sort() : null;
  const featureTypes: Record<string, ColumnType> = {};
  for (const name of featureNames ?? []) {
    const type = schema![name].type;
    featureTypes[name] = type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
  }
  return { featureNames, featureTypes, classes: [...model.classes], sliceKeys: [...model.sliceKeys] };
}

export function flatColumns(layout: ExportLayout): ColumnSpec[] {
  const features: ColumnSpec[] = layout.featureNames
    ? layout.featureNames.map((name) => ({ name: `feature.${name}`, type: layout.featureTypes[name] }))
    : [{ name: 'features', type: 'string' }];
  return [
    { name: 'id', type: 'string' },
    { name: 'timestamp', type: 'string' },
    { name: 'model_version', type: 'string' },
    ...features,
    { name: 'label', type: 'string' },
    { name: 'label_source', type: 'string' },
    { name: 'prediction', type: 'string' },
    ...layout.classes.map((c): ColumnSpec => ({ name: `score.${c}`, type: 'number' })),
    ...layout.sliceKeys.map((k): ColumnSpec => ({ name: `slice.${k}`, type: 'string' })),
    { name: 'weight', type: 'number' },
    { name: 'split', type: 'string' },
    { name: 'label_probability', type: 'number' },
  ];
}

/** A row's values in flatColumns order; absent values are null. */
export function flatValues(row: ExportRow, layout: ExportLayout): (string | number | boolean | null)[] {
  const features = layout.featureNames
    ? layout.featureNames.map((name) => row.features[name] ?? null)
    : [JSON.stringify(row.features)];
  return [
    row.id,
    new Date(row.timestamp).toISOString(),
    row.modelVersion,
    ...features,
    row.label,
    row.labelSource,
    row.prediction,
    ...layout.classes.map((c) => row.scores[c] ?? null),
    ...layout.sliceKeys.map((k) => (Object.hasOwn(row.slices, k) ? row.slices[k] : null)),
    row.weight,
    row.split,
    row.labelProbability,
  ];
}

/** The nested JSONL record. */
export function nestedRecord(row: ExportRow): Record<string, unknown> {
  return {
    id: row.id,
    timestamp: new Date(row.timestamp).toISOString(),
    model_version: row.modelVersion,
    features: row.features,
    label: row.label,
    label_source: row.labelSource,
    prediction: row.prediction,
    scores: row.scores,
    slices: row.slices,
    weight: row.weight,
    split: row.split,
    label_probability: row.labelProbability,
  };
}

/** Where a writer's bytes go; resolves when the sink can take more. */
export type Sink = (bytes: Uint8Array | string) => Promise<void>;

export type FormatWriter = (chunks: AsyncIterable<ExportRow[]>, layout: ExportLayout, sink: Sink) => Promise<void>;
