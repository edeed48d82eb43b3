import { Body, Controller, Get, Param, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal, Roles } from '../../auth/roles.decorator.js';
import { LabelingService } from '../../labeling/labeling.service.js';
import { ModelsService } from '../../models/models.service.js';
import { batchesWithAgreement, indexPageView } from './labeling-page-index.view.js';
import { type Notice, noticeForError, parsePageQuery, queueHref } from './labeling-page-notices.js';
import { AnswerFormDto, BatchFormDto, UndoFormDto } from './labeling-page.dto.js';
import { queuePageView } from './labeling-page.view.js';

/**
 * The web labeling queue. Every action is a plain form POST answered with a redirect to the queue
 * page (POST-redirect-GET), which leases the next item; public/labeling.js only adds key bindings.
 */
@ApiExcludeController()
@Controller('labeling')
@Roles('labeler')
export class LabelingPageController {
  constructor(
    private readonly labeling: LabelingService,
    private readonly models: ModelsService,
  ) {}

  @Get()
  @Render('labeling-index')
  async index(@CurrentPrincipal() principal: Principal) {
    const models = await this.models.list();
    const lists = await Promise.all(models.map((m) => this.labeling.listBatches(m.name)));
    const details = await Promise.all(lists.flatMap((list) => batchesWithAgreement(list).map((id) => this.labeling.batch(id))));
    return indexPageView({
      principal,
      models,
      batches: new Map(models.map((m, i) => [m.name, lists[i]])),
      details: new Map(details.map((d) => [d.id, d])),
    });
  }

  @Get(':model')
  async queue(
    @Param('model') name: string,
    @Query() rawQuery: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const model = await this.models.find(name);
    if (!model) return res.status(404).render('labeling-missing', { title: 'No such model', styles: ['labeling.css'], name });
    const query = parsePageQuery(rawQuery);
    const task = await this.labeling.leaseNext(model.name, principal, query.batch);
    const batchId = task?.batchId ?? query.batch;
    const [batch, batches] = await Promise.all([
      batchId ? this.labeling.batch(batchId) : null,
      task ? [] : this.labeling.listBatches(model.name),
    ]);
    res.render('labeling-queue', queuePageView({ model, principal, query, task, batch, batches, now: Date.now() }));
  }

  @Post(':model/tasks/:id')
  async answer(
    @Param('model') model: string,
    @Param('id') taskId: string,
    @Body() form: AnswerFormDto,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const answer = form.skip ? { skip: true } : { label: form.label };
    let notice: Notice = form.skip ? 'skipped' : 'saved';
    try {
      await this.labeling.submit(taskId, principal, answer);
    } catch (error) {
      notice = noticeForError(error) ?? rethrow(error);
    }
    const label = notice === 'saved' ? form.label : undefined;
    res.redirect(303, queueHref(model, { batch: form.batch, notice, label }));
  }

  @Post(':model/undo')
  async undo(
    @Param('model') model: string,
    @Body() form: UndoFormDto,
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
  ): Promise<void> {
    let notice: Notice = 'undone';
    try {
      await this.labeling.undoLast(model, principal, form.batch);
    } catch (error) {
      notice = noticeForError(error) ?? rethrow(error);
    }
    res.redirect(303, queueHref(model, { batch: form.batch, notice }));
  }

  @Post(':model/batches')
  @Roles('admin')
  async createBatch(
    @Param('model') model: string,
    @Body() form: BatchFormDto,
    @CurrentPrincipal() admin: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const batch = await this.labeling.createBatch(model, { size: form.size, strategy: form.strategy, quotas: 'balanced' }, admin);
    const notice = batch.filled > 0 ? 'batch_created' : 'batch_empty';
    res.redirect(303, queueHref(batch.model, { batch: batch.id, notice, n: batch.filled }));
  }
}

function rethrow(error: unknown): never {
  throw error;
}
