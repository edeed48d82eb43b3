import type { LabelSource } from '../models/model-settings.js';
import { coordinatesOf, type RolledPrediction } from '../slices/cells.js';
import { effectiveLabel } from '../labels/effective-label.js';
import { bucketOf, GRAINS, type Grain } from '../slices/window.js';

const HUMAN: readonly string[] = ['manual', 'audit'];

/**
 * What the quality tallies know of a prediction's labels: its behaviour label (the best non-human
 * label by the model's source order, with the direct rule that gave it) and its human label (audit
 * wins over manual). '' is "none", so that every field can be part of a primary key.
 */
export interface QualityKey {
  bSource: string;
  bRule: string;
  bLabel: string;
  hSource: '' | 'manual' | 'audit';
  hLabel: string;
}

export const UNLABELED: Readonly<QualityKey> = Object.freeze({ bSource: '', bRule: '', bLabel: '', hSource: '', hLabel: '' });

export interface QualityLabel {
  label: string;
  source: LabelSource;
  updatedAt: number;
  /** The stored rule (JSON) of a direct label. */
  rule: string | null;
}

/** A direct rule's name as the quality figures show it: its event, and its condition when it has one. */
export function ruleName(ruleJson: string | null): string {
  if (!ruleJson) return '';
  try {
    const rule = JSON.parse(ruleJson) as { event?: unknown; when?: { op?: unknown; value?: unknown } };
    if (typeof rule.event !== 'string') return '';
    return rule.when ? `${rule.event} ${String(rule.when.op)} ${String(rule.when.value)}` : rule.event;
  } catch {
    return '';
  }
}

export function qualityKeyOf(labels: readonly QualityLabel[], order: readonly LabelSource[]): QualityKey {
  const behaviour = effectiveLabel(
    labels,
    order.filter((s) => !HUMAN.includes(s)),
  );
  const audit = effectiveLabel(labels, ['audit']);
  const human = audit ?? effectiveLabel(labels, ['manual']);
  let bRule = '';
  if (behaviour?.source === 'direct') {
    const winner = labels
      .filter((l) => l.source === 'direct' && l.label === behaviour.label)
      .sort((a, b) => b.updatedAt - a.updatedAt)[0];
    bRule = ruleName(winner?.rule ?? null);
  }
  return {
    bSource: behaviour?.source ?? '',
    bRule,
    bLabel: behaviour?.label ?? '',
    hSource: (human?.source ?? '') as QualityKey['hSource'],
    hLabel: human?.label ?? '',
  };
}

/** The key as stored on the prediction and in the outbox. */
export function encodeQualityKey(k: QualityKey): string {
  return JSON.stringify([k.bSource, k.bRule, k.bLabel, k.hSource, k.hLabel]);
}

/** null (a prediction never labeled) is the unlabeled key. */
export function decodeQualityKey(text: string | null): QualityKey {
  if (text === null) return { ...UNLABELED };
  const [bSource, bRule, bLabel, hSource, hLabel] = JSON.parse(text) as string[];
  return { bSource, bRule, bLabel, hSource: hSource as QualityKey['hSource'], hLabel };
}

export interface QualityCellKey extends QualityKey {
  model: string;
  modelVersion: string;
  key: string;
  value: string;
  grain: Grain;
  bucket: number;
  predicted: string;
}

/** Every quality cell (each coordinate at each grain) a prediction with this key is counted in. */
export function qualityCellsOf(
  p: RolledPrediction,
  key: QualityKey,
  crosses: readonly (readonly [string, string])[],
): QualityCellKey[] {
  const out: QualityCellKey[] = [];
  for (const { key: sliceKey, value } of coordinatesOf(p.slices, crosses)) {
    for (const grain of GRAINS) {
      out.push({
        model: p.model,
        modelVersion: p.modelVersion,
        key: sliceKey,
        value,
        grain,
        bucket: bucketOf(p.ts, grain),
        predicted: p.predicted,
        ...key,
      });
    }
  }
  return out;
}

/** A quality cell's identity, its fields in the order of the table's key. */
export function qualityCellId(c: QualityCellKey): string {
  return [
    c.model,
    c.grain,
    c.bucket,
    c.modelVersion,
    c.key,
    c.value,
    c.predicted,
    c.bSource,
    c.bRule,
    c.bLabel,
    c.hSource,
    c.hLabel,
  ].join('\u0000');
}

/** Count changes per quality cell, summed in memory so that each cell is written once per transaction. */
export class QualityDeltas {
  private readonly byCell = new Map<string, { cell: QualityCellKey; delta: number }>();

  add(cells: readonly QualityCellKey[], delta: number): void {
    for (const cell of cells) {
      const id = qualityCellId(cell);
      const entry = this.byCell.get(id);
      if (entry) entry.delta += delta;
      else this.byCell.set(id, { cell, delta });
    }
  }

  /** Moves a prediction from its old key's cells to its new key's. */
  move(p: RolledPrediction, before: QualityKey, after: QualityKey, crosses: readonly (readonly [string, string])[]): void {
    this.add(qualityCellsOf(p, before, crosses), -1);
    this.add(qualityCellsOf(p, after, crosses), 1);
  }

  get size(): number {
    return this.byCell.size;
  }

  /** The non-zero changes in key order. */
  changes(): { cell: QualityCellKey; delta: number }[] {
    return [...this.byCell.entries()]
      .filter(([, e]) => e.delta !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => e);
  }

  clear(): void {
    this.byCell.clear();
  }
}
