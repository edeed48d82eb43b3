import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles.decorator.js';
import { ModelsService } from '../../models/models.service.js';
import { QualityService } from '../../quality/quality.service.js';
import { buildQualityPage } from './quality-page.view.js';

/** Gathers what the label-quality page shows. */
@Injectable()
export class QualityPageService {
  constructor(
    private readonly models: ModelsService,
    private readonly quality: QualityService,
  ) {}

  async view(modelName: string, viewer: Principal) {
    const model = await this.models.require(modelName);
    const quality = await this.quality.labelQuality(model.name);
    return buildQualityPage({ model: model.name, classes: model.classes, quality, canExport: viewer.role === 'admin' });
  }
}
