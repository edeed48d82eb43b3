import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles.decorator.js';
import { badRequest, conflict, type ErrorDetail, notFound } from '../common/api-error.js';
import { storedDuration } from '../common/durations.js';
import { Db } from '../database/db.js';
import { LabelsService } from '../labels/labels.service.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import { toPredictionDto } from '../predictions/predictions.dto.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import { batchAgreement } from './kappa.js';
import type { LabelingBatchEntity } from './labeling-batch.entity.js';
import { type CreateBatchDto, toBatchDetailDto, toBatchDto, toLeasedTaskDto, toSubmitResultDto } from './labeling.dto.js';
import { LabelingRepository, type TaskRow } from './labeling.repository.js';
import { batchProgress } from './progress.js';
import { type BatchRequest, SelectionService } from './selection.service.js';

const DEFAULT_LEASE_MS = 10 * 60_000;

/**
 * The labeling queue: active-learning batches, and tasks leased to labelers one at a time.
 * Labels go through LabelsService (source manual, or audit for the audit sample).
 */
@Injectable()
export class LabelingService {
  constructor(
    private readonly db: Db,
    private readonly repository: LabelingRepository,
    private readonly selection: SelectionService,
    private readonly models: ModelsService,
    private readonly labels: LabelsService,
    private readonly predictions: PredictionsService,
  ) {}

  /** Selects a batch and queues its tasks; answers the batch with what each quota got. */
  async createBatch(modelName: string, dto: CreateBatchDto, admin: Principal) {
    const model = await this.models.require(modelName);
    const request = batchRequest(model, dto);
    // The audit request is kept in outcome.audit.design, beside what it drew.
    const { audit: _audit, ...stored } = request;
    const batch: LabelingBatchEntity = {
      id: randomUUID(),
      model: model.name,
      ...stored,
      outcome: { quotas: {}, audit: { asked: 0, filled: 0, shortBy: 0, reason: null } },
      createdBy: admin.tokenId,
      createdByName: admin.name,
      createdAt: Date.now(),
    };
    await this.db.tx(async (tx) => {
      await this.repository.lockModel(tx, model.name);
      const selection = await this.selection.select(tx, model, request);
      batch.outcome = selection.outcome;
      await this.repository.insertBatch(tx, batch, selection.picks);
    });
    return this.batch(batch.id);
  }

  /** The model's batches, newest first, with progress per batch and per class quota. */
  async listBatches(modelName: string) {
    const model = await this.models.require(modelName);
    const [batches, rows] = await Promise.all([
      this.repository.batchesOf(model.name),
      this.repository.progress({ model: model.name }, Date.now()),
    ]);
    return batches.map((b) =>
      toBatchDto(
        b,
        batchProgress(
          rows.filter((r) => r.batchId === b.id),
          b.labelsPerItem,
          Object.keys(b.outcome.quotas),
        ),
      ),
    );
  }

  /** One batch with progress and labeler agreement. */
  async batch(id: string) {
    const batch = await this.repository.findBatch(id);
    if (!batch) throw notFound('batch_not_found');
    const [rows, ratings] = await Promise.all([
      this.repository.progress({ batchId: id }, Date.now()),
      this.repository.ratings(id),
    ]);
    const byItem = new Map<string, { labeler: string; label: string }[]>();
    for (const r of ratings) byItem.set(r.predictionId, [...(byItem.get(r.predictionId) ?? []), r]);
    const progress = batchProgress(rows, batch.labelsPerItem, Object.keys(batch.outcome.quotas));
    return toBatchDetailDto(batch, progress, batchAgreement([...byItem.values()], batch.labelsPerItem));
  }

  /**
   * Leases the caller a task of the model (or of one batch): the lease they already hold if any,
   * else an expired lease, else the next waiting task. Null when nothing is left for them.
   */
  async leaseNext(modelName: string, labeler: Principal, batchId?: string) {
    const model = await this.models.require(modelName);
    if (batchId !== undefined) await this.requireBatch(batchId, model.name);
    const now = Date.now();
    const expiresAt = now + leaseMs(model);
    const task = await this.db.tx(async (tx) => {
      await this.repository.lockLabeler(tx, model.name, labeler.tokenId);
      const held = await this.repository.heldLease(tx, model.name, labeler.tokenId, batchId, now);
      if (held) {
        await this.repository.renew(tx, held.id, expiresAt);
        return { ...held, leaseExpiresAt: expiresAt };
      }
      const free = await this.repository.leasable(tx, model.name, labeler.tokenId, batchId, now);
      if (!free) return null;
      await this.repository.lease(tx, free.id, labeler, now, expiresAt);
      return { ...free, status: 'leased' as const, labeler: labeler.tokenId, leaseExpiresAt: expiresAt };
    });
    return task ? this.leasedTask(task) : null;
  }

  /** Labels or skips a task the caller holds. A skipped item goes back to the queue for someone else. */
  async submit(taskId: string, labeler: Principal, answer: { label?: string; skip?: boolean }) {
    if ((answer.label === undefined) === (answer.skip === undefined)) {
      const detail = { field: answer.label === undefined ? 'label' : 'skip', message: 'send either {label} or {skip: true}' };
      throw badRequest('label_or_skip', [detail]);
    }
    const task = await this.requireTask(taskId);
    const model = await this.models.require(task.model);
    if (answer.label !== undefined) this.labels.checkClass(model, answer.label);
    const status = answer.skip ? 'skipped' : 'done';
    const now = Date.now();
    const source = task.reason === 'audit' ? 'audit' : 'manual';
    // The task and its label are stored together, or neither is.
    const outcome = await this.db.tx(async (tx) => {
      if (!(await this.repository.complete(tx, task.id, labeler.tokenId, status, answer.label ?? null, now))) return null;
      if (answer.label === undefined) {
        await this.repository.addReplacement(tx, task);
        return { label: null };
      }
      const input = { model: task.model, predictionId: task.predictionId, label: answer.label, source } as const;
      return { label: await this.labels.labelIn(tx, model, input, labeler, now) };
    });
    if (!outcome) throw await this.notHeld(task.id, labeler);
    if (!outcome.label) return toSubmitResultDto(task, status, null);
    this.labels.recorded(outcome.label);
    return toSubmitResultDto(task, status, outcome.label.effectiveLabel);
  }

  /** Undoes the caller's last done or skipped task of its batch: withdraws the label and leases the task to them again. */
  async undo(taskId: string, labeler: Principal) {
    const task = await this.requireTask(taskId);
    if (task.labeler !== labeler.tokenId) throw conflict('not_your_task');
    if (task.status !== 'done' && task.status !== 'skipped') throw conflict('task_not_finished', { status: task.status });
    const last = await this.repository.lastFinished(task.model, labeler.tokenId, task.batchId);
    if (last?.id !== task.id) throw conflict('not_your_last_task', { lastTaskId: last?.id ?? null });
    return this.reopen(task, labeler);
  }

  /** Undoes the caller's most recent done or skipped task of the model (or of one batch). */
  async undoLast(modelName: string, labeler: Principal, batchId?: string) {
    const model = await this.models.require(modelName);
    const last = await this.repository.lastFinished(model.name, labeler.tokenId, batchId);
    if (!last) throw notFound('nothing_to_undo');
    return this.reopen(last, labeler);
  }

  private async reopen(task: TaskRow, labeler: Principal) {
    const [model, batch] = await Promise.all([this.models.require(task.model), this.requireBatch(task.batchId, task.model)]);
    const now = Date.now();
    const expiresAt = now + leaseMs(model);
    const reopened = await this.db.tx(async (tx) => {
      if (!(await this.repository.reopen(tx, task, now, expiresAt))) return false;
      if (task.status === 'skipped') await this.repository.dropSurplus(tx, task, batch.labelsPerItem);
      if (task.status === 'done') {
        await this.labels.withdrawIn(tx, model, task.predictionId, task.reason === 'audit' ? 'audit' : 'manual', labeler, now);
      }
      return true;
    });
    if (!reopened) throw conflict('task_changed');
    return this.leasedTask({ ...task, status: 'leased', label: null, completedAt: null, leaseExpiresAt: expiresAt });
  }

  private async leasedTask(task: TaskRow) {
    const prediction = await this.predictions.find(task.model, task.predictionId);
    if (!prediction) throw notFound('prediction_not_found');
    return toLeasedTaskDto(task, toPredictionDto(prediction));
  }

  private async requireTask(id: string): Promise<TaskRow> {
    const task = await this.repository.findTask(id);
    if (!task) throw notFound('task_not_found');
    return task;
  }

  private async requireBatch(id: string, model: string): Promise<LabelingBatchEntity> {
    const batch = await this.repository.findBatch(id);
    if (!batch || batch.model !== model) throw notFound('batch_not_found');
    return batch;
  }

  private async notHeld(taskId: string, labeler: Principal) {
    const now = await this.repository.findTask(taskId);
    if (now && now.labeler === labeler.tokenId && (now.status === 'done' || now.status === 'skipped'))
      return conflict('task_already_finished', { status: now.status });
    return conflict('lease_not_held', { status: now?.status ?? null, hint: 'lease the next task with GET .../labeling/next' });
  }
}

function leaseMs(model: ModelEntity): number {
  return storedDuration(model.settings.labeling.leaseTtl) ?? DEFAULT_LEASE_MS;
}

/** The request with the model's defaults applied; refuses classes and slice keys the model does not have. */
function batchRequest(model: ModelEntity, dto: CreateBatchDto): BatchRequest {
  const problems: ErrorDetail[] = [];
  const quotas = dto.quotas ?? 'balanced';
  if (typeof quotas === 'object') {
    for (const cls of Object.keys(quotas))
      if (!model.classes.includes(cls))
        problems.push({ field: `quotas.${cls}`, message: `"${cls}" is not one of the model's classes` });
  }
  const slices: Record<string, string> = {};
  for (const [key, value] of Object.entries(dto.filters?.slices ?? {})) {
    if (!model.sliceKeys.includes(key) || key.includes('"'))
      problems.push({ field: `filters.slices.${key}`, message: `"${key}" is not one of the model's sliceKeys` });
    slices[key] = String(value);
  }
  // null is "no bound", as an absent field is (IsOptional lets null through to here).
  const from = dto.filters?.from === undefined || dto.filters.from === null ? undefined : Date.parse(dto.filters.from);
  const to = dto.filters?.to === undefined || dto.filters.to === null ? undefined : Date.parse(dto.filters.to);
  if (from !== undefined && to !== undefined && from >= to)
    problems.push({ field: 'filters.to', message: 'must be after filters.from' });
  const audit = dto.audit ?? 'uniform';
  const auditSliceKey = dto.auditSliceKey ?? null;
  if (audit === 'by_slice' && auditSliceKey === null)
    problems.push({ field: 'auditSliceKey', message: 'required with audit: by_slice' });
  if (auditSliceKey !== null && (!model.sliceKeys.includes(auditSliceKey) || auditSliceKey.includes('"')))
    problems.push({ field: 'auditSliceKey', message: `"${auditSliceKey}" is not one of the model's sliceKeys` });
  if (dto.auditSliceValue !== undefined && auditSliceKey === null)
    problems.push({ field: 'auditSliceValue', message: 'needs auditSliceKey' });
  if (problems.length > 0) throw badRequest('invalid_batch_request', problems);
  const defaults = model.settings.labeling;
  return {
    size: dto.size,
    strategy: dto.strategy ?? 'least_confidence',
    quotas,
    auditFraction: dto.auditFraction ?? defaults.auditFraction,
    audit: { mode: audit, sliceKey: auditSliceKey, sliceValue: dto.auditSliceValue ?? null },
    labelsPerItem: dto.labelsPerItem ?? defaults.labelsPerItem,
    includeDirect: dto.includeDirect ?? false,
    filters: {
      ...(dto.filters?.modelVersion === undefined ? {} : { modelVersion: dto.filters.modelVersion }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(Object.keys(slices).length === 0 ? {} : { slices }),
    },
    seed: dto.seed ?? randomInt(2_147_483_647),
  };
}
