import type { toBatchDetailDto, toBatchDto } from '../../labeling/labeling.dto.js';
import type { Strategy } from '../../labeling/strategies.js';

export type BatchDto = ReturnType<typeof toBatchDto>;
export type BatchDetail = ReturnType<typeof toBatchDetailDto>;
type Agreement = BatchDetail['agreement'];

export const STRATEGY_NAMES: Record<Strategy, string> = {
  least_confidence: 'least confidence',
  margin: 'smallest margin',
  entropy: 'highest entropy',
  random: 'random',
};

export interface QuotaRow {
  name: string;
  asked: number;
  filled: number;
  /** Labels given, of `wanted` (filled items x labels per item). */
  done: number;
  wanted: number;
  donePercent: number;
  /** Why filled differs from asked, in words; null when it does not. */
  note: string | null;
}

export interface ProgressView {
  batchId: string;
  shortId: string;
  title: string;
  created: string;
  open: boolean;
  done: number;
  wanted: number;
  donePercent: number;
  remaining: number;
  labelsPerItem: number;
  quotas: QuotaRow[];
  audit: QuotaRow | null;
  agreement: string | null;
}

const percentOf = (done: number, wanted: number) => (wanted === 0 ? 100 : Math.min(100, Math.round((1000 * done) / wanted) / 10));

function quotaNote(reason: string | null, shortBy: number): string | null {
  if (reason === 'too_few_candidates') return `${shortBy} short: too few candidates`;
  if (reason === 'received_unused_quota') return 'took over what other classes could not fill';
  return null;
}

/** A batch's progress for the page: overall, per class quota (asked / filled / done), the audit sample, agreement. */
export function progressView(batch: BatchDto | BatchDetail): ProgressView {
  const perItem = batch.labelsPerItem;
  const quotas = Object.entries(batch.quotas).map(([name, q]) => {
    const done = q.progress?.done ?? 0;
    const wanted = q.filled * perItem;
    return {
      name,
      asked: q.asked,
      filled: q.filled,
      done,
      wanted,
      donePercent: percentOf(done, wanted),
      note: quotaNote(q.reason, q.shortBy),
    };
  });
  const auditWanted = batch.audit.filled * perItem;
  const audit =
    batch.audit.asked === 0 && batch.audit.filled === 0
      ? null
      : {
          name: 'audit sample',
          asked: batch.audit.asked,
          filled: batch.audit.filled,
          done: batch.audit.progress.done,
          wanted: auditWanted,
          donePercent: percentOf(batch.audit.progress.done, auditWanted),
          note: quotaNote(batch.audit.reason, batch.audit.shortBy),
        };
  const { done, labelsWanted } = batch.progress;
  return {
    batchId: batch.id,
    shortId: batch.id.slice(0, 8),
    title: `${STRATEGY_NAMES[batch.strategy]}, ${batch.filled} items`,
    created: `${batch.createdAt.slice(0, 16).replace('T', ' ')} UTC by ${batch.createdBy}`,
    open: batch.status === 'open',
    done,
    wanted: labelsWanted,
    donePercent: percentOf(done, labelsWanted),
    remaining: Math.max(0, labelsWanted - done),
    labelsPerItem: perItem,
    quotas,
    audit,
    agreement: 'agreement' in batch ? agreementText(batch.agreement) : null,
  };
}

/** Agreement in words, or null when the batch asks for one label per item (there is nothing to agree on). */
export function agreementText(agreement: Agreement): string | null {
  if (agreement.reason === 'one_label_per_item') return null;
  if (agreement.kappa === null) {
    if (agreement.reason === 'all_labels_in_one_class') return 'Agreement: not measurable yet (every label is the same class)';
    return 'Agreement: not yet (no item has all its labels)';
  }
  const method = agreement.method === 'cohen' ? 'Cohen’s κ' : 'Fleiss’ κ';
  return `Agreement: ${method} ${agreement.kappa.toFixed(2)} over ${agreement.items} items, ${agreement.labelers} labelers`;
}
