import { Injectable } from '@nestjs/common';
import { AgreementTallies } from '../feedback/agreement-tallies.js';
import type { FeedbackQuery } from '../feedback/feedback.types.js';
import type { AgreementCell } from '../quality/agreement.js';
import { ModelsService } from '../models/models.service.js';
import { agreementCells } from './agreement-cells.js';
import { AgreementRowsRepository } from './agreement-rows.repository.js';

/**
 * Whole-model agreement cells computed from the labels, for the report until the maintained quality
 * tallies are wired in its place. It scans the model's human-labeled predictions: a stopgap.
 */
@Injectable()
export class ScannedAgreementTallies extends AgreementTallies {
  constructor(
    private readonly rows: AgreementRowsRepository,
    private readonly models: ModelsService,
  ) {
    super();
  }

  async cells(model: string, window: FeedbackQuery): Promise<AgreementCell[]> {
    const entity = await this.models.require(model);
    const labels = await this.rows.labelsOfHumanLabeled({
      model,
      from: window.from ?? null,
      to: window.to ?? null,
      versions: window.version ? [window.version] : [],
    });
    return agreementCells(labels, entity.settings.labelSourceOrder, []);
  }
}
