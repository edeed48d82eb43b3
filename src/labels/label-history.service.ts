import { Injectable } from '@nestjs/common';
import { LabelHistoryRepository } from './label-history.repository.js';

/** One prediction's label history, for its page. */
@Injectable()
export class LabelHistoryService {
  constructor(private readonly repository: LabelHistoryRepository) {}

  /** Every change of the prediction's effective label, oldest first. */
  changesOf(model: string, predictionId: string) {
    return this.repository.changesOf(model, predictionId);
  }
}
