import type { Principal } from '../../auth/roles.decorator.js';
import type { toLeasedTaskDto } from '../../labeling/labeling.dto.js';
import { STRATEGIES } from '../../labeling/strategies.js';
import type { FeatureSpec } from '../../models/model-settings.js';
import { type NoticeView, noticeView, type PageQuery, queueHref } from './labeling-page-notices.js';
import { type BatchDetail, type BatchDto, type ProgressView, progressView, STRATEGY_NAMES } from './labeling-page-progress.js';

export type LeasedTask = ReturnType<typeof toLeasedTaskDto>;
type FeatureValue = string | number | boolean | null;

/** What the page needs of the model's registry entry. */
export interface ModelInfo {
  name: string;
  classes: string[];
  featureSchema: Record<string, FeatureSpec> | null;
}

/** Strings longer than this get a row of their own, wrapped, instead of a cell beside the name. */
const LONG_TEXT = 60;
const SHORTCUT_KEYS = 9;
const MAX_SINGLE_COLUMN = 6;

export interface FeatureRow {
  name: string;
  value: string;
  kind: 'text' | 'number' | 'boolean' | 'missing';
  long: boolean;
}

export interface ScoreBar {
  cls: string;
  /** The score as a percentage with one decimal ("42.1%"). */
  share: string;
  width: number;
  predicted: boolean;
}

export interface ClassButton {
  name: string;
  key: string | null;
}

export interface ItemView {
  taskId: string;
  action: string;
  reason: { title: string; detail: string; audit: boolean };
  features: FeatureRow[];
  slices: { key: string; value: string }[];
  predicted: string;
  scores: ScoreBar[];
  meta: { id: string; version: string; time: string };
  leaseMinutes: number;
}

export interface QueuePageView {
  title: string;
  styles: string[];
  scripts: string[];
  model: string;
  batch: string;
  notice: NoticeView | null;
  item: ItemView | null;
  classes: ClassButton[];
  /** Lays the class buttons out in two columns. */
  manyClasses: boolean;
  undoAction: string;
  progress: ProgressView | null;
  empty: EmptyView | null;
}

export interface EmptyView {
  hasOpenBatch: boolean;
  hasBatches: boolean;
  isAdmin: boolean;
  createAction: string;
  strategies: { value: string; name: string; selected: boolean }[];
}

export interface QueueInput {
  model: ModelInfo;
  principal: Principal;
  query: PageQuery;
  task: LeasedTask | null;
  /** The task's batch, or the batch the page is scoped to. */
  batch: BatchDetail | null;
  /** The model's batches, for the empty state; not needed when there is a task. */
  batches: BatchDto[];
  now: number;
}

/** The queue page: the leased item, or what to do when there is none. */
export function queuePageView(input: QueueInput): QueuePageView {
  const { model, query, task } = input;
  const base = `/labeling/${encodeURIComponent(model.name)}`;
  return {
    title: `Labeling ${model.name}`,
    styles: ['labeling.css'],
    scripts: ['labeling.js'],
    model: model.name,
    batch: query.batch ?? '',
    notice: noticeView(query, model.classes),
    item: task ? itemView(model, task, input.now) : null,
    classes: classButtons(model.classes),
    manyClasses: model.classes.length > MAX_SINGLE_COLUMN,
    undoAction: `${base}/undo`,
    progress: input.batch ? progressView(input.batch) : null,
    empty: task
      ? null
      : {
          hasOpenBatch: input.batches.some((b) => b.status === 'open'),
          hasBatches: input.batches.length > 0,
          isAdmin: input.principal.role === 'admin',
          createAction: `${base}/batches`,
          strategies: STRATEGIES.map((s) => ({ value: s, name: STRATEGY_NAMES[s], selected: s === 'least_confidence' })),
        },
  };
}

/** One button per class in the model's order (so each keeps its place), keys 1-9 for the first nine. */
export function classButtons(classes: readonly string[]): ClassButton[] {
  return classes.map((name, i) => ({ name, key: i < SHORTCUT_KEYS ? String(i + 1) : null }));
}

export function itemView(model: ModelInfo, task: LeasedTask, now: number): ItemView {
  const p = task.prediction;
  return {
    taskId: task.taskId,
    action: `/labeling/${encodeURIComponent(model.name)}/tasks/${encodeURIComponent(task.taskId)}`,
    reason: reasonView(task.reason, task.score, p.prediction),
    features: featureRows(p.features, model.featureSchema),
    slices: Object.entries(p.slices ?? {}).map(([key, value]) => ({ key, value: String(value) })),
    predicted: p.prediction,
    scores: scoreBars(p.scores, model.classes, p.prediction),
    meta: { id: p.id, version: p.modelVersion, time: `${p.timestamp.slice(0, 16).replace('T', ' ')} UTC` },
    leaseMinutes: Math.max(1, Math.round((Date.parse(task.leaseExpiresAt) - now) / 60_000)),
  };
}

/** Features in the schema's order, then the others as they came. */
export function featureRows(features: Record<string, FeatureValue>, schema: Record<string, FeatureSpec> | null): FeatureRow[] {
  const order = [...Object.keys(schema ?? {}).filter((k) => k in features), ...Object.keys(features)];
  return [...new Set(order)].map((name) => featureRow(name, features[name]));
}

function featureRow(name: string, value: FeatureValue | undefined): FeatureRow {
  if (value === null || value === undefined) return { name, value: 'missing', kind: 'missing', long: false };
  if (typeof value === 'number') return { name, value: String(value), kind: 'number', long: false };
  if (typeof value === 'boolean') return { name, value: value ? 'yes' : 'no', kind: 'boolean', long: false };
  return { name, value, kind: 'text', long: value.length > LONG_TEXT || value.includes('\n') };
}

/** Every class's score, highest first (ties in the model's class order), with percentages. */
export function scoreBars(scores: Record<string, number>, classes: readonly string[], predicted: string): ScoreBar[] {
  const all = [...new Set([...classes, ...Object.keys(scores)])];
  return all
    .map((cls, i) => ({ cls, p: scores[cls] ?? 0, i }))
    .sort((a, b) => b.p - a.p || a.i - b.i)
    .map(({ cls, p }) => ({
      cls,
      share: `${(p * 100).toFixed(1)}%`,
      width: Math.round(Math.min(1, Math.max(0, p)) * 1000) / 10,
      predicted: cls === predicted,
    }));
}

/** Why the item was chosen, in words. */
export function reasonView(reason: LeasedTask['reason'], score: number | null, predicted: string) {
  const among = `one of the most uncertain predictions of “${predicted}”`;
  const value = (digits: number) => (score === null ? '' : ` ${score.toFixed(digits)}`);
  switch (reason) {
    case 'audit':
      return { title: 'Audit sample', detail: 'Picked at random to measure accuracy without bias.', audit: true };
    case 'random':
      return { title: 'Random pick', detail: 'Picked at random from the unlabeled predictions.', audit: false };
    case 'least_confidence':
      return { title: 'Least confidence', detail: `1 − p(top) =${value(3)}: ${among}.`, audit: false };
    case 'margin':
      return { title: 'Smallest margin', detail: `p(top) − p(second) =${value(3)}: ${among}.`, audit: false };
    case 'entropy':
      return { title: 'Highest entropy', detail: `Entropy${value(3)} nats: ${among}.`, audit: false };
  }
}

/** The href of the queue page for a batch (or the whole model). */
export const startHref = (model: string, batch?: string) => queueHref(model, batch ? { batch } : {});
