import type { AgreementCell } from './agreement.js';
import { type ProxyCell, UNIFORM } from './estimate.js';

/** Summed counts of one quality coordinate over the cells of a query (time and version summed out). */
export interface QualitySum {
  key: string;
  value: string;
  predicted: string;
  bSource: string;
  bRule: string;
  bLabel: string;
  hSource: string;
  hLabel: string;
  n: number;
}

export const sliceId = (key: string, value: string) => `${key}\u0000${value}`;

/**
 * The estimate's cells per slice: proxy = behaviour label equals the prediction, truth = audit label
 * equals it. Manual labels are not a uniform sample, so they do not count as truth. The audit is
 * taken as uniform within each slice (one stratum).
 */
export function proxyCellsBySlice(sums: readonly QualitySum[]): Map<string, ProxyCell[]> {
  const out = new Map<string, Map<string, ProxyCell>>();
  for (const s of sums) {
    if (s.n === 0) continue;
    const proxy = s.bSource === '' ? null : s.bLabel === s.predicted ? 1 : 0;
    const truth = s.hSource === 'audit' ? (s.hLabel === s.predicted ? 1 : 0) : null;
    const id = sliceId(s.key, s.value);
    let cells = out.get(id);
    if (!cells) out.set(id, (cells = new Map()));
    const cellId = `${proxy}:${truth}`;
    const cell = cells.get(cellId);
    if (cell) cell.n += s.n;
    else cells.set(cellId, { stratum: UNIFORM, proxy, truth, n: s.n });
  }
  return new Map([...out].map(([id, cells]) => [id, [...cells.values()]]));
}

/** Predictions with both a behaviour and a human label, as labelQuality() takes them. */
export function agreementCellsOf(sums: readonly QualitySum[]): AgreementCell[] {
  return sums
    .filter((s) => s.n > 0 && s.bSource !== '' && s.hSource !== '')
    .map((s) => ({
      source: s.bSource,
      rule: s.bRule === '' ? null : s.bRule,
      key: s.key,
      value: s.value,
      sourceLabel: s.bLabel,
      humanLabel: s.hLabel,
      audit: s.hSource === 'audit',
      n: s.n,
    }));
}
