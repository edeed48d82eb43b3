import { OVERALL } from '../slices/cells.js';
import type { AgreementCell } from '../quality/agreement.js';

const HUMAN = new Set(['manual', 'audit']);

/** One label of a prediction that carries a human label, as the export's first pass reads it. */
export interface LabelOfPrediction {
  predictionId: string;
  source: string;
  label: string;
  updatedAt: number;
  slices: Record<string, string>;
}

/**
 * The agreement tally of a model from the labels of its human-labeled predictions (grouped by
 * prediction, in any order): per prediction with both, the behaviour label (the first non-human source
 * in labelSourceOrder) against the human label (audit wins over manual; the latest of several labelers),
 * for the whole model and each slice key. Rules are pooled (rule null).
 */
export function agreementCells(
  labels: readonly LabelOfPrediction[],
  labelSourceOrder: readonly string[],
  sliceKeys: readonly string[],
): AgreementCell[] {
  const byPrediction = new Map<string, LabelOfPrediction[]>();
  for (const l of labels) {
    const list = byPrediction.get(l.predictionId);
    if (list) list.push(l);
    else byPrediction.set(l.predictionId, [l]);
  }
  const rank = (source: string) => {
    const i = labelSourceOrder.indexOf(source);
    return i < 0 ? labelSourceOrder.length : i;
  };
  const cells = new Map<string, AgreementCell>();
  const add = (cell: Omit<AgreementCell, 'n'>) => {
    const id = [cell.source, cell.key, cell.value, cell.sourceLabel, cell.humanLabel, cell.audit].join('\u0000');
    const c = cells.get(id);
    if (c) c.n++;
    else cells.set(id, { ...cell, n: 1 });
  };
  for (const list of byPrediction.values()) {
    const behaviour = list.filter((l) => !HUMAN.has(l.source)).sort((a, b) => rank(a.source) - rank(b.source))[0];
    const humans = list.filter((l) => HUMAN.has(l.source));
    const audits = humans.filter((l) => l.source === 'audit');
    const pool = audits.length > 0 ? audits : humans;
    const human = pool.sort((a, b) => b.updatedAt - a.updatedAt)[0];
    if (!behaviour || !human) continue;
    const base = { source: behaviour.source, rule: null, sourceLabel: behaviour.label, humanLabel: human.label };
    const audit = human.source === 'audit';
    add({ ...base, key: OVERALL, value: OVERALL, audit });
    for (const key of sliceKeys) {
      const value = behaviour.slices[key];
      if (value !== undefined) add({ ...base, key, value: String(value), audit });
    }
  }
  return [...cells.values()];
}
