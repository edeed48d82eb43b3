import { Injectable } from '@nestjs/common';
import { bucketOf } from '../slices/window.js';
import { ProfilesRepository } from './profiles.repository.js';
import { type CellFold, emptyFold, extendFold, foldRows, type ProfileWindow } from './window-cells.js';

/** Folds of closed buckets kept per process: the windows that pages and the drift evaluation read. */
const KEPT_FOLDS = 8;

/**
 * The merged profiles of a window. Its buckets before the current hour (or day) seldom change, so
 * their fold is kept with the stamp of the buckets' revisions it was folded at; a read checks that
 * stamp (one aggregate over a row per bucket), folds the current bucket onto a copy-on-write view of
 * the kept fold, and folds the closed buckets again only when their stamp moved (late predictions,
 * another process's profile job) or the window did (a new hour). The result is what folding every
 * row of the window in order gives, so drift figures do not depend on what was kept.
 */
@Injectable()
export class ProfileWindows {
  private readonly kept = new Map<string, { stamp: string; fold: CellFold }>();

  constructor(private readonly profiles: ProfilesRepository) {}

  /** The window's profiles of one version or all, of every feature or of one (the predictions', for estimates). */
  async fold(
    model: string,
    window: ProfileWindow,
    version: string | null,
    now: number,
    feature: string | null = null,
  ): Promise<CellFold> {
    const split = Math.min(window.to, Math.max(window.from, bucketOf(now, window.grain)));
    const fold = split > window.from ? extendFold(await this.closedFold(model, window, split, version, feature)) : emptyFold();
    if (split < window.to)
      foldRows(fold, await this.profiles.windowProfiles(model, window.grain, split, window.to, version, feature));
    return fold;
  }

  private async closedFold(
    model: string,
    window: ProfileWindow,
    split: number,
    version: string | null,
    feature: string | null,
  ): Promise<CellFold> {
    const key = [model, window.grain, window.from, split, version ?? '', feature ?? ''].join('\u0001');
    // The stamp is read before the rows: rows newer than their stamp only make the next read fold again.
    const stamp = await this.profiles.windowStamp(model, window.grain, window.from, split, version);
    let entry = this.kept.get(key);
    this.kept.delete(key);
    if (entry?.stamp !== stamp) {
      const rows = await this.profiles.windowProfiles(model, window.grain, window.from, split, version, feature);
      entry = { stamp, fold: foldRows(emptyFold(), rows) };
    }
    this.kept.set(key, entry);
    for (const old of this.kept.keys()) {
      if (this.kept.size <= KEPT_FOLDS) break;
      this.kept.delete(old);
    }
    return entry.fold;
  }
}
