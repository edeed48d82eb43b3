import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/roles.decorator.js';
import { ApiError } from '../../common/api-error.js';
import { ExportsService } from '../../exports/exports.service.js';
import { FeedbackService } from '../../feedback/feedback.service.js';
import type { FeedbackCheck, FeedbackReport } from '../../feedback/feedback.types.js';
import { ModelsService } from '../../models/models.service.js';
import { type ExportFormDto, formToRequest, formValues } from './exports-page.dto.js';
import { type ExportsPageInput, exportsPageView } from './exports-page.view.js';

export type ExportFormResult = { redirect: string } | { status: number; view: ReturnType<typeof exportsPageView> };

const LISTED = 20;

@Injectable()
export class ExportsPageService {
  constructor(
    private readonly models: ModelsService,
    private readonly reports: FeedbackService,
    private readonly exports: ExportsService,
  ) {}

  async view(modelName: string, created: string | null, extra: Partial<ExportsPageInput> = {}) {
    const model = await this.models.require(modelName);
    const recent = extra.report ? null : await this.reports.recentReport(model.name);
    return exportsPageView({
      model: model.name,
      defaultValidation: model.settings.exports.validationFraction,
      report: extra.report ?? recent!.report,
      reportAsOf: recent?.cached ? recent.computedAt : null,
      exports: await this.exports.list(model.name, LISTED),
      created,
      ...extra,
    });
  }

  /** Requests the export; a refusal or a bad field shows the page again with the form as sent. */
  async create(modelName: string, form: ExportFormDto, admin: Principal): Promise<ExportFormResult> {
    try {
      const entry = await this.exports.request(modelName, formToRequest(form), admin);
      return { redirect: `/models/${encodeURIComponent(entry.model)}/exports?created=${entry.id}` };
    } catch (error) {
      if (!(error instanceof ApiError) || (error.getStatus() !== 409 && error.getStatus() !== 400)) throw error;
      const body = error.getResponse() as {
        message: string;
        details?: { report?: FeedbackReport; unacknowledged?: { name: string }[] };
      };
      const refused = body.details?.report;
      const unacknowledged = new Set((body.details?.unacknowledged ?? []).map((c) => c.name));
      const refusal: FeedbackCheck[] = refused ? refused.checks.filter((c) => unacknowledged.has(c.name)) : [];
      return {
        status: error.getStatus(),
        view: await this.view(modelName, null, {
          form: formValues(form),
          ...(refused ? { report: refused, refusal } : { error: body.message }),
        }),
      };
    }
  }
}
