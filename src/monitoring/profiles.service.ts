import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { Db } from '../database/db.js';
import { isTransientFailure } from '../database/dialect.js';
import { errorMessage } from '../jobs/job-options.js';
import type { Tx } from '../database/tx.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import {
  cellKeyId,
  decodeProfile,
  encodeProfile,
  mergeProfiles,
  PROFILE_GRAINS,
  ProfileDeltas,
  profileRows,
} from './profiler.js';
import { ProfilesRepository } from './profiles.repository.js';

/** Pending markers taken per transaction (each holds one ingest batch of one model). */
export const PROFILE_CHUNK = 1;
/**
 * While predictions keep arriving, the job works about this long per run (every 2 s; it stops after the chunk that crosses it), so that
 * profiling takes under a tenth of the process and ingest keeps its rate; profiles lag behind
 * during a burst and catch up, without limit, once ingest has been quiet for QUIET_MS.
 */
export const BUSY_BUDGET_MS = 80;
const QUIET_MS = 1000;

/**
 * Keeps the feature profiles equal to what the prediction log says: the ingest transaction leaves a
 * pending marker with the ids it stored; the job adds those predictions to the hour and day profiles
 * and deletes the marker in one transaction, so a crash neither loses nor double-counts a row.
 */
@Injectable()
export class ProfilesService implements OnModuleInit {
  private readonly logger = new Logger(ProfilesService.name);
  private lastArrival = 0;

  constructor(
    private readonly db: Db,
    private readonly repository: ProfilesRepository,
    private readonly models: ModelsService,
    private readonly predictions: PredictionsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.MONITORING_PROFILES === 'off') return;
    this.predictions.onArrival({
      stored: async (tx, stored) => {
        this.lastArrival = Date.now();
        const byModel = new Map<string, string[]>();
        for (const p of stored) {
          const ids = byModel.get(p.model);
          if (ids) ids.push(p.id);
          else byModel.set(p.model, [p.id]);
        }
        const now = Date.now();
        for (const [model, ids] of byModel) await this.repository.addPending(tx, model, ids, now);
      },
      // The profile job runs on its schedule; nothing to do after each commit.
      committed: () => Promise.resolve(),
    });
  }

  /**
   * Applies up to `limit` pending markers in one transaction; returns how many markers it applied (or
   * set aside) and how many predictions it profiled. When the chunk fails for a reason other than the
   * database, the markers are tried one by one: a failing one has its failure counted and, at
   * OUTBOX_MAX_ATTEMPTS, is dead-lettered, so that one bad row never stops the profiles.
   */
  async applyChunk(limit = PROFILE_CHUNK): Promise<{ markers: number; predictions: number }> {
    try {
      return await this.applyInOneTx(limit);
    } catch (error) {
      if (isTransientFailure(error)) throw error;
      return this.applyOneByOne(limit);
    }
  }

  private async applyOneByOne(limit: number): Promise<{ markers: number; predictions: number }> {
    const total = { markers: 0, predictions: 0 };
    while (total.markers < limit) {
      const seq = await this.repository.oldestPendingSeq();
      if (seq === null) return total;
      try {
        const one = await this.applyInOneTx(1);
        if (one.markers === 0) return total;
        total.markers += one.markers;
        total.predictions += one.predictions;
      } catch (error) {
        if (isTransientFailure(error)) throw error;
        const dead = await this.repository.recordFailure(seq, errorMessage(error), this.config.OUTBOX_MAX_ATTEMPTS, Date.now());
        this.logger.warn({ seq, dead, err: error }, dead ? 'profile marker dead-lettered' : 'profile marker failed');
        if (!dead) return total;
        total.markers += 1;
      }
    }
    return total;
  }

  private async applyInOneTx(limit: number): Promise<{ markers: number; predictions: number }> {
    const models = new Map<string, ModelEntity | null>();
    return this.db.tx(async (tx) => {
      await this.repository.lockProfiles(tx);
      const markers = await this.repository.takePending(tx, limit);
      if (markers.length === 0) return { markers: 0, predictions: 0 };
      let predictions = 0;
      const byModel = new Map<string, string[]>();
      for (const m of markers) byModel.set(m.model, (byModel.get(m.model) ?? []).concat(m.ids));
      for (const [name, ids] of byModel) {
        if (!models.has(name)) models.set(name, await this.models.find(name));
        const model = models.get(name);
        if (!model) continue;
        const deltas = new ProfileDeltas({
          schema: model.featureSchema,
          crosses: model.sliceCrosses,
          grains: PROFILE_GRAINS,
        });
        for (const row of await this.repository.predictions(tx, name, ids)) {
          deltas.add({
            modelVersion: row.model_version,
            ts: Number(row.ts),
            features: JSON.parse(row.features) as Record<string, unknown>,
            slices: JSON.parse(row.slices) as Record<string, string>,
            prediction: row.prediction,
            scores: JSON.parse(row.scores) as Record<string, number>,
          });
          predictions++;
        }
        await this.store(tx, name, deltas);
      }
      await this.repository.deletePending(
        tx,
        markers.map((m) => m.seq),
      );
      return { markers: markers.length, predictions };
    });
  }

  /**
   * Applies pending markers until none are left, or, while ingest is busy, until the run's budget
   * is spent (the next run goes on); returns how many predictions were profiled.
   */
  async applyPending(budgetMs: number | null = null): Promise<number> {
    const started = Date.now();
    const budget = budgetMs ?? (Date.now() - this.lastArrival < QUIET_MS ? BUSY_BUDGET_MS : Infinity);
    let total = 0;
    for (;;) {
      const { markers, predictions } = await this.applyChunk();
      total += predictions;
      if (markers < PROFILE_CHUNK || Date.now() - started >= budget) return total;
      await yieldToEventLoop();
    }
  }

  pending(): Promise<number> {
    return this.repository.countPending();
  }

  private async store(tx: Tx, model: string, deltas: ProfileDeltas): Promise<void> {
    const buckets = new Map<string, { grain: string; bucket: number }>();
    for (const { key } of deltas.cells.values())
      buckets.set(`${key.grain}:${key.bucket}`, { grain: key.grain, bucket: key.bucket });
    const rows = [];
    for (const { grain, bucket } of buckets.values()) {
      const stored = new Map<string, string>();
      for (const r of await this.repository.bucketProfiles(tx, model, grain, bucket)) {
        stored.set(
          cellKeyId({
            grain: grain as 'hour',
            bucket,
            modelVersion: r.model_version,
            sliceKey: r.slice_key,
            sliceValue: r.slice_value,
            feature: r.feature,
          }),
          r.profile,
        );
      }
      for (const [id, { key, profile }] of deltas.cells) {
        if (key.grain !== grain || key.bucket !== bucket) continue;
        const old = stored.get(id);
        const merged = mergeProfiles(key.feature, old === undefined ? null : decodeProfile(key.feature, old), profile);
        rows.push({ key, n: profileRows(key.feature, merged), profile: encodeProfile(merged) });
      }
    }
    await this.repository.upsertProfiles(tx, model, rows);
  }
}
