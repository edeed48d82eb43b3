import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles.decorator.js';
import { toFunctionListDto } from '../../weak/weak.dto.js';
import { WeakFunctionsService } from '../../weak/weak-functions.service.js';
import { buildLabelingFunctionsPage } from './labeling-functions-page.view.js';

@Injectable()
export class LabelingFunctionsPageService {
  constructor(private readonly functions: WeakFunctionsService) {}

  async view(model: string, viewer: Principal, changed: string | null) {
    const list = toFunctionListDto(await this.functions.list(model));
    return buildLabelingFunctionsPage({ model, list, canEdit: viewer.role === 'admin', changed });
  }

  /** Enables or disables a function; where to go next. */
  async setEnabled(model: string, name: string, enabled: boolean): Promise<string> {
    await this.functions.setEnabled(model, name, enabled);
    return `/models/${encodeURIComponent(model)}/labeling-functions?changed=${encodeURIComponent(name)}`;
  }
}
