import type { Principal } from '../../auth/roles.decorator.js';
import { queueHref } from './labeling-page-notices.js';
import { type BatchDetail, type BatchDto, type ProgressView, progressView } from './labeling-page-progress.js';

/** Batches shown per model; older ones are counted, not listed. */
export const SHOWN_BATCHES = 10;

export interface IndexModel {
  name: string;
  classes: string[];
  href: string;
  openBatches: number;
  batches: (ProgressView & { href: string })[];
  olderBatches: number;
}

export interface IndexPageView {
  title: string;
  styles: string[];
  models: IndexModel[];
  isAdmin: boolean;
}

export interface IndexInput {
  principal: Principal;
  models: { name: string; classes: string[] }[];
  /** Each model's batches, newest first (listBatches). */
  batches: Map<string, BatchDto[]>;
  /** Batches with agreement, by id, for those that ask for more than one label per item. */
  details: Map<string, BatchDetail>;
}

/** /labeling: every model, open batches first, each with its progress and a link to start labeling. */
export function indexPageView(input: IndexInput): IndexPageView {
  const models = input.models.map((model) => {
    const all = input.batches.get(model.name) ?? [];
    const shown = shownBatches(all);
    return {
      name: model.name,
      classes: model.classes,
      href: queueHref(model.name),
      openBatches: all.filter((b) => b.status === 'open').length,
      batches: shown.map((b) => ({
        ...progressView(input.details.get(b.id) ?? b),
        href: queueHref(model.name, { batch: b.id }),
      })),
      olderBatches: all.length - shown.length,
    };
  });
  models.sort((a, b) => Number(b.openBatches > 0) - Number(a.openBatches > 0) || a.name.localeCompare(b.name));
  return { title: 'Labeling', styles: ['labeling.css'], models, isAdmin: input.principal.role === 'admin' };
}

/** Open batches first (newest first), then the newest complete ones, SHOWN_BATCHES in all. */
export function shownBatches<T extends { status: string }>(batches: readonly T[]): T[] {
  const open = batches.filter((b) => b.status === 'open');
  const done = batches.filter((b) => b.status !== 'open');
  return [...open, ...done].slice(0, SHOWN_BATCHES);
}

/** The batches worth asking agreement for: shown, and labeled by more than one person per item. */
export function batchesWithAgreement(batches: readonly BatchDto[]): string[] {
  return shownBatches(batches)
    .filter((b) => b.labelsPerItem > 1)
    .map((b) => b.id);
}
