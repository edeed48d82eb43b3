import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { TaskHistoryService } from '../../labeling/task-history.service.js';
import { LabelHistoryService } from '../../labels/label-history.service.js';
import { ModelsService } from '../../models/models.service.js';
import { PredictionSearchService } from '../../predictions/prediction-search.service.js';
import { PredictionsService } from '../../predictions/predictions.service.js';
import { SlicesService } from '../../slices/slices.service.js';
import { explorerView } from './explorer.view.js';
import { decodeCursor, type ExplorerQueryDto, filterOf } from './predictions-page.dto.js';
import { type PredictionDetail, predictionPageView } from './prediction-page.view.js';

export const PAGE_SIZE = 50;

export type ExplorerResult = { redirect: string } | { view: ReturnType<typeof explorerView> };

@Injectable()
export class PredictionsPageService {
  constructor(
    private readonly models: ModelsService,
    private readonly search: PredictionSearchService,
    private readonly predictions: PredictionsService,
    private readonly slices: SlicesService,
    private readonly labels: LabelHistoryService,
    private readonly tasks: TaskHistoryService,
    private readonly config: AppConfig,
  ) {}

  /** The explorer; a ?q= that names a stored prediction goes straight to its page. */
  async explorer(modelName: string, query: ExplorerQueryDto): Promise<ExplorerResult> {
    const model = await this.models.require(modelName);
    const q = query.q?.trim() ?? '';
    if (q !== '' && (await this.predictions.find(model.name, q))) {
      return { redirect: `/models/${encodeURIComponent(model.name)}/predictions/${encodeURIComponent(q)}` };
    }
    const filter = filterOf(query);
    const after = decodeCursor(query.after);
    const [page, versions] = await Promise.all([
      q !== '' ? Promise.resolve({ rows: [], next: null }) : this.search.search(model.name, filter, after, PAGE_SIZE),
      this.slices.versions(model.name),
    ]);
    return {
      view: explorerView({
        model: { name: model.name, classes: model.classes, sliceKeys: model.sliceKeys },
        versions,
        query,
        page,
        missing: q !== '' ? q : null,
      }),
    };
  }

  async prediction(modelName: string, id: string) {
    const prediction = (await this.predictions.findOne(modelName, id)) as PredictionDetail;
    const [changes, tasks] = await Promise.all([
      this.labels.changesOf(prediction.model, id),
      this.tasks.tasksOf(prediction.model, id),
    ]);
    return predictionPageView({ prediction, changes, tasks, traceUrlTemplate: this.config.TRACE_URL_TEMPLATE ?? null });
  }
}
