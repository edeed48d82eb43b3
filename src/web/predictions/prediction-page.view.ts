import type { PredictionTask } from '../../labeling/task-history.repository.js';
import type { EffectiveLabelChange } from '../../labels/label-history.repository.js';

/** The prediction as PredictionsService.findOne returns it (the API's shape). */
export interface PredictionDetail {
  id: string;
  model: string;
  modelVersion: string;
  timestamp: string;
  features: Record<string, unknown>;
  prediction: string;
  scores: Record<string, number>;
  slices: Record<string, string>;
  itemId: string | null;
  exposure: { policy: string | null; propensity: number | null; shown: boolean | null } | null;
  traceId: string | null;
  uncertainty: { leastConfidence: number; margin: number; entropy: number };
  receivedAt: string;
  events: {
    id: string;
    type: string;
    timestamp: string;
    value: number | null;
    attributes: unknown;
    state: string;
    receivedAt: string;
  }[];
  labels: {
    label: string;
    source: string;
    by: string;
    rule: unknown;
    eventIds: string[];
    final: boolean;
    createdAt: string;
    updatedAt: string;
  }[];
  effectiveLabel: { label: string; source: string } | null;
}

export type TimelineKind = 'logged' | 'event' | 'label' | 'effective' | 'task';
/** At the same instant, things happen in this order: logged, then events, labels, effective changes, tasks. */
const KIND_ORDER: Record<TimelineKind, number> = { logged: 0, event: 1, label: 2, effective: 3, task: 4 };

export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  title: string;
  details: string[];
}

export interface PredictionPageInput {
  prediction: PredictionDetail;
  changes: EffectiveLabelChange[];
  tasks: PredictionTask[];
  traceUrlTemplate: string | null;
}

const described = (label: string | null, source: string | null) => (label === null ? 'none' : `${label} (${source ?? '?'})`);

/** Everything that happened to the prediction, in time order. */
export function timeline(input: Omit<PredictionPageInput, 'traceUrlTemplate'>): TimelineEntry[] {
  const p = input.prediction;
  const entries: TimelineEntry[] = [
    {
      at: Date.parse(p.timestamp),
      kind: 'logged',
      title: `Predicted ${p.prediction} by ${p.modelVersion}`,
      details: [`received ${p.receivedAt}`, ...(p.traceId ? [`trace ${p.traceId}`] : [])],
    },
    ...p.events.map((e) => ({
      at: Date.parse(e.timestamp),
      kind: 'event' as const,
      title: `Event ${e.type}${e.value === null ? '' : ` = ${e.value}`}`,
      details: [
        `id ${e.id}`,
        `state ${e.state}`,
        `received ${e.receivedAt}`,
        ...(e.attributes ? [JSON.stringify(e.attributes)] : []),
      ],
    })),
    ...p.labels.map((l) => ({
      at: Date.parse(l.createdAt),
      kind: 'label' as const,
      title: `Label ${l.label} (${l.source})`,
      details: [
        `by ${l.by}`,
        ...(l.eventIds.length > 0 ? [`from events ${l.eventIds.join(', ')}`] : []),
        ...(l.rule ? [`rule ${JSON.stringify(l.rule)}`] : []),
        l.final ? 'final' : 'not final yet',
        ...(l.updatedAt !== l.createdAt ? [`updated ${l.updatedAt}`] : []),
      ],
    })),
    ...input.changes.map((c) => ({
      at: c.at,
      kind: 'effective' as const,
      title: `Effective label ${described(c.oldLabel, c.oldSource)} → ${described(c.newLabel, c.newSource)}`,
      details: [],
    })),
    ...input.tasks.map((t) => ({
      at: t.queuedAt,
      kind: 'task' as const,
      title: `Labeling task (${t.reason}${t.score === null ? '' : `, score ${t.score.toFixed(3)}`}): ${t.status}`,
      details: [
        `batch ${t.batchId}`,
        ...(t.labelerName ? [`labeler ${t.labelerName}`] : []),
        ...(t.leasedAt === null ? [] : [`leased ${new Date(t.leasedAt).toISOString()}`]),
        ...(t.completedAt === null ? [] : [`completed ${new Date(t.completedAt).toISOString()}`]),
        ...(t.label === null ? [] : [`answered ${t.label}`]),
      ],
    })),
  ];
  return entries.sort((a, b) => a.at - b.at || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** The trace UI's link for a trace id, or null without a template. The id is URL-encoded into it. */
export function traceHref(template: string | null, traceId: string | null): string | null {
  if (!template || !traceId) return null;
  return template.split('{traceId}').join(encodeURIComponent(traceId));
}

/** /models/:model/predictions/:id. */
export function predictionPageView(input: PredictionPageInput) {
  const p = input.prediction;
  return {
    title: `Prediction ${p.id} · ${p.model}`,
    styles: ['pages.css'],
    model: p.model,
    explorerHref: `/models/${encodeURIComponent(p.model)}/predictions`,
    id: p.id,
    modelVersion: p.modelVersion,
    timestamp: p.timestamp,
    prediction: p.prediction,
    itemId: p.itemId,
    traceId: p.traceId,
    traceHref: traceHref(input.traceUrlTemplate, p.traceId),
    effective: p.effectiveLabel,
    disagrees: p.effectiveLabel !== null && p.effectiveLabel.label !== p.prediction,
    features: Object.entries(p.features).map(([name, value]) => ({ name, value: value === null ? 'null' : String(value) })),
    scores: Object.entries(p.scores)
      .sort(([, a], [, b]) => b - a)
      .map(([cls, score]) => ({ cls, score, predicted: cls === p.prediction })),
    slices: Object.entries(p.slices).map(([key, value]) => ({ key, value })),
    uncertainty: p.uncertainty,
    exposure: p.exposure
      ? {
          policy: p.exposure.policy ?? '–',
          propensity: p.exposure.propensity === null ? '–' : String(p.exposure.propensity),
          shown: p.exposure.shown === null ? '–' : p.exposure.shown ? 'yes' : 'no',
        }
      : null,
    timeline: timeline(input).map((e) => ({ ...e, iso: new Date(e.at).toISOString() })),
  };
}
