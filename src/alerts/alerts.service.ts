import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { storedDuration } from '../common/durations.js';
import { Db } from '../database/db.js';
import { errorMessage } from '../jobs/job-options.js';
import type { ModelEntity } from '../models/model.entity.js';
import { LABEL_SOURCES } from '../models/model-settings.js';
import { ModelsService } from '../models/models.service.js';
import { type SliceReport, SlicesService } from '../slices/slices.service.js';
import { describeAlert, describeResolution } from './alert-message.js';
import type { AlertEntity, AlertKind } from './alert.entity.js';
import { OPEN_SLOT } from './alert.entity.js';
import type { AlertStateFilter } from './alerts.dto.js';
import { AlertsRepository } from './alerts.repository.js';
import { alertWindows, type AlertThresholds, evaluateSlices, type Finding, reconcile, sliceId } from './evaluation.js';
import { AlertWebhook } from './webhook.service.js';

const DEFAULT_BASELINE_MS = 7 * 86_400_000;
/** A model whose numbers did not change is evaluated again after this long anyway: its windows move on. */
export const FULL_EVALUATION_EVERY_MS = 30_000;

export interface EvaluationSummary {
  fired: number;
  resolved: number;
  firing: number;
  /** Webhook notifications written. */
  notified: number;
}

/**
 * Alerts on slice accuracy: evaluated from the slices report (the rollups, never the prediction log),
 * stored with one open alert per slice, and notified through the webhook outbox.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);
  /** Per model: what its numbers looked like at the last evaluation, and when that was (this process only). */
  private readonly lastSeen = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly repository: AlertsRepository,
    private readonly slices: SlicesService,
    private readonly models: ModelsService,
    private readonly webhook: AlertWebhook,
  ) {}

  /** Deletes up to `limit` webhook notifications delivered before `before`; for the retention job. */
  deleteDeliveredNotificationsBefore(before: number, limit: number): Promise<number> {
    return this.repository.deleteDeliveredBefore(before, limit);
  }

  /** Evaluates each model whose rollups changed since its last evaluation, or that is due for a full one. */
  async tick(now = Date.now()): Promise<EvaluationSummary> {
    const total: EvaluationSummary = { fired: 0, resolved: 0, firing: 0, notified: 0 };
    for (const model of await this.models.list()) {
      try {
        const { from } = alertWindows(now, windowLength(model));
        const current = await this.slices.report(model.name, { from });
        const fingerprint = JSON.stringify([model.settings.alerts, from, current.overall.confusion, current.slices.map(counts)]);
        const last = this.lastSeen.get(model.name);
        if (last && last.fingerprint === fingerprint && now - last.at < FULL_EVALUATION_EVERY_MS) continue;
        const summary = await this.evaluateModel(model, now, current);
        this.lastSeen.set(model.name, { fingerprint, at: now });
        for (const k of Object.keys(total) as (keyof EvaluationSummary)[]) total[k] += summary[k];
      } catch (error) {
        // One model's failure must not keep the others from being evaluated.
        this.logger.error(`alert evaluation of ${model.name} failed: ${errorMessage(error)}`);
      }
    }
    return total;
  }

  /** Fires, refreshes and resolves the alerts of one model from its numbers now. */
  async evaluate(modelName: string, now = Date.now()): Promise<EvaluationSummary> {
    return this.evaluateModel(await this.models.require(modelName), now);
  }

  /** A model's alerts; slice-accuracy ones unless another kind (or all) is asked for. */
  async list(
    modelName: string,
    state: AlertStateFilter = 'all',
    limit = 100,
    kind: AlertKind | 'all' = 'accuracy',
  ): Promise<AlertEntity[]> {
    const model = await this.models.require(modelName);
    return this.repository.list(model.name, state === 'all' ? null : state, limit, kind === 'all' ? null : kind);
  }

  private async evaluateModel(model: ModelEntity, now: number, current?: SliceReport): Promise<EvaluationSummary> {
    const thresholds = thresholdsOf(model);
    const length = windowLength(model);
    const window = { length: model.settings.alerts.baselineWindow, ...alertWindows(now, length) };
    current ??= await this.slices.report(model.name, { from: window.from });
    const baseline =
      thresholds.maxDrop === null ? null : await this.slices.report(model.name, { from: window.baselineFrom, to: window.from });
    const findings = evaluateSlices({
      overall: current.overall,
      current: current.slices,
      baseline: baseline?.slices ?? [],
      thresholds,
    });
    const rows = new Map(current.slices.map((s) => [sliceId(s.key, s.value), s]));
    const sources =
      findings.length > 0 ? await this.sourceMix(model.name, window.from) : new Map<string, Record<string, number>>();
    const describe = (f: Finding) => {
      const id = sliceId(f.key, f.value);
      return describeAlert({
        model: model.name,
        finding: f,
        overall: current.overall,
        sources: sources.get(id) ?? {},
        confusion: rows.get(id)?.confusion ?? {},
        window,
        thresholds,
        estimate: rows.get(id),
      });
    };
    const summary: EvaluationSummary = { fired: 0, resolved: 0, firing: 0, notified: 0 };
    await this.db.tx(async (tx) => {
      const plan = reconcile(await this.repository.openAlerts(tx, model.name), findings);
      for (const finding of plan.fire) {
        const { message, details, recommendation } = describe(finding);
        const alert: AlertEntity = {
          id: randomUUID(),
          kind: 'accuracy',
          feature: '',
          model: model.name,
          sliceKey: finding.key,
          sliceValue: finding.value,
          state: 'firing',
          openSlot: OPEN_SLOT,
          reason: finding.reason,
          message,
          details,
          recommendation,
          startedAt: now,
          endedAt: null,
          updatedAt: now,
        };
        if (!(await this.repository.insertFiring(tx, alert))) continue;
        summary.fired++;
        if (await this.webhook.enqueue(tx, alert, now)) summary.notified++;
      }
      for (const { alert, finding } of plan.keep) {
        await this.repository.refresh(tx, alert.id, { reason: finding.reason, ...describe(finding) }, now);
      }
      for (const alert of plan.resolve) {
        const row = rows.get(sliceId(alert.key, alert.value)) ?? null;
        const resolution = describeResolution(alert.key, alert.value, row, thresholds, window.length);
        const resolved = await this.repository.resolve(tx, alert.id, resolution, now);
        if (!resolved) continue;
        summary.resolved++;
        if (await this.webhook.enqueue(tx, resolved, now)) summary.notified++;
      }
      summary.firing = plan.keep.length + summary.fired;
    });
    if (summary.fired + summary.resolved > 0) this.logger.log({ model: model.name, ...summary }, 'alerts changed');
    return summary;
  }

  /** Labels per source behind each slice in the window. */
  private async sourceMix(model: string, from: number): Promise<Map<string, Record<string, number>>> {
    const mix = new Map<string, Record<string, number>>();
    for (const source of LABEL_SOURCES) {
      for (const s of (await this.slices.report(model, { from, source })).slices) {
        const id = sliceId(s.key, s.value);
        mix.set(id, { ...mix.get(id), [source]: s.n });
      }
    }
    return mix;
  }
}

function thresholdsOf(model: ModelEntity): AlertThresholds {
  const { minAccuracy, maxDrop, minSupport, minGap } = model.settings.alerts;
  return { minAccuracy, maxDrop, minSupport, minGap };
}

function windowLength(model: ModelEntity): number {
  return storedDuration(model.settings.alerts.baselineWindow) ?? DEFAULT_BASELINE_MS;
}

const counts = (s: { key: string; value: string; n: number; correct: number }) => [s.key, s.value, s.n, s.correct];
