import { Injectable } from '@nestjs/common';
import type { AgreementCell } from '../quality/agreement.js';
import { OVERALL } from '../slices/cells.js';
import { QualityService } from '../quality/quality.service.js';
import { AgreementTallies } from './agreement-tallies.js';
import type { FeedbackQuery } from './feedback.types.js';

/** The report's label-quality figures, read from the quality module's maintained cells (no scan). */
@Injectable()
export class QualityAgreementTallies extends AgreementTallies {
  constructor(private readonly quality: QualityService) {
    super();
  }

  async cells(model: string, window: FeedbackQuery): Promise<AgreementCell[]> {
    const cells = await this.quality.agreementCells(model, window);
    return cells.filter((c) => c.key === OVERALL && c.value === OVERALL);
  }
}
