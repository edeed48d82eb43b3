import { Injectable } from '@nestjs/common';
import { ModelsService } from '../models/models.service.js';
import {
  type PredictionCursor,
  type PredictionFilter,
  type PredictionListRow,
  PredictionSearchRepository,
} from './prediction-search.repository.js';

export interface PredictionPage {
  rows: PredictionListRow[];
  /** The cursor of the next page, or null on the last one. */
  next: PredictionCursor | null;
}

/** Finding predictions in the log: filtered, newest first, a page at a time. */
@Injectable()
export class PredictionSearchService {
  constructor(
    private readonly repository: PredictionSearchRepository,
    private readonly models: ModelsService,
  ) {}

  async search(model: string, filter: PredictionFilter, after: PredictionCursor | null, limit: number): Promise<PredictionPage> {
    await this.models.require(model);
    const rows = await this.repository.search(model, filter, after, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    return { rows: page, next: more && last ? { ts: last.ts, id: last.id } : null };
  }
}
