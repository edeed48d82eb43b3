import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { Db } from '../database/db.js';
import { isTransientFailure } from '../database/dialect.js';
import { errorMessage } from '../jobs/job-options.js';
import { ModelsService } from '../models/models.service.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import {
  type ProfileCellKey,
  cellKeyId,
  decodeProfile,
  encodeProfile,
  mergeProfiles,
  PROFILE_GRAINS,
  ProfileDeltas,
  profileRows,
} from './profiler.js';
import { ProfilesRepository, type StoredProfile } from './profiles.repository.js';
import { chunks } from '../database/sql.js';
import { backgroundTurn } from '../jobs/background-turns.js';

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

  /**
   * Profiles up to `limit` markers' predictions. The work that needs no lock runs before the
   * transaction, in slices with yields in between: reading the predictions (immutable once stored)
   * into deltas, and merging them into the stored profiles of their buckets. The transaction then
   * checks that the markers are still pending and the stored profiles still those it merged into,
   * and writes; when another writer got there first (a rebuild, a second worker), it merges again
   * inside the transaction, from what is stored then. So one transaction holds the SQLite writer, and
   * on SQLite the event loop, for the writes alone (bench/README.md, "Issue 11, fourth pass").
   */
  private async applyInOneTx(limit: number): Promise<{ markers: number; predictions: number }> {
    const read = this.db.direct;
    const markers = await this.repository.takePending(read, limit);
    if (markers.length === 0) return { markers: 0, predictions: 0 };
    const byModel = new Map<string, string[]>();
    for (const m of markers) byModel.set(m.model, (byModel.get(m.model) ?? []).concat(m.ids));
    const work: { model: string; deltas: ProfileDeltas; merged: MergedBucket[] }[] = [];
    let predictions = 0;
    for (const [name, ids] of byModel) {
      const model = await this.models.find(name);
      if (!model) continue;
      const deltas = new ProfileDeltas({ schema: model.featureSchema, crosses: model.sliceCrosses, grains: PROFILE_GRAINS });
      for (const part of chunks(ids, ROWS_PER_SLICE)) {
        for (const row of await this.repository.predictions(read, name, part)) {
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
        await yieldToEventLoop();
      }
      const merged: MergedBucket[] = [];
      for (const bucket of bucketsOf(deltas)) {
        const from = await this.repository.bucketProfiles(read, name, bucket.grain, bucket.bucket);
        const stored = storedById(bucket, from);
        const rows: MergedBucket['rows'] = [];
        for (const part of chunks(cellsIn(deltas, bucket), CELLS_PER_SLICE)) {
          rows.push(...mergeCells(part, stored));
          await yieldToEventLoop();
        }
        merged.push({ bucket, from, rows });
      }
      work.push({ model: name, deltas, merged });
    }
    return this.db.tx(async (tx) => {
      await this.repository.lockProfiles(tx);
      const seqs = markers.map((m) => m.seq);
      if ((await this.repository.pendingOf(tx, seqs)) !== seqs.length) return { markers: 0, predictions: 0 };
      for (const { model, deltas, merged } of work) {
        const rows = [];
        for (const m of merged) {
          const stored = await this.repository.bucketProfiles(tx, model, m.bucket.grain, m.bucket.bucket);
          rows.push(
            ...(sameProfiles(stored, m.from) ? m.rows : mergeCells(cellsIn(deltas, m.bucket), storedById(m.bucket, stored))),
          );
        }
        await this.repository.upsertProfiles(tx, model, rows);
      }
      await this.repository.deletePending(tx, seqs);
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
      await backgroundTurn();
    }
  }

  pending(): Promise<number> {
    return this.repository.countPending();
  }
}

/** Predictions read and profiled, and profiles merged, between two yields to the event loop (a few ms each). */
const ROWS_PER_SLICE = 100;
const CELLS_PER_SLICE = 50;

interface ProfileBucket {
  grain: string;
  bucket: number;
}

/** One bucket's profiles merged with its deltas, and the stored profiles they were merged into. */
interface MergedBucket {
  bucket: ProfileBucket;
  from: StoredProfile[];
  rows: { key: ProfileCellKey; n: number; profile: string }[];
}

function bucketsOf(deltas: ProfileDeltas): ProfileBucket[] {
  const buckets = new Map<string, ProfileBucket>();
  for (const { key } of deltas.cells.values())
    buckets.set(`${key.grain}:${key.bucket}`, { grain: key.grain, bucket: key.bucket });
  return [...buckets.values()];
}

type DeltaCell = [string, { key: ProfileCellKey; profile: Parameters<typeof encodeProfile>[0] }];

function cellsIn(deltas: ProfileDeltas, bucket: ProfileBucket): DeltaCell[] {
  return [...deltas.cells].filter(([, { key }]) => key.grain === bucket.grain && key.bucket === bucket.bucket);
}

/** A bucket's stored profiles by cell id. */
function storedById({ grain, bucket }: ProfileBucket, from: readonly StoredProfile[]): Map<string, string> {
  const stored = new Map<string, string>();
  for (const r of from) {
    const id = cellKeyId({
      grain: grain as 'hour',
      bucket,
      modelVersion: r.model_version,
      sliceKey: r.slice_key,
      sliceValue: r.slice_value,
      feature: r.feature,
    });
    stored.set(id, r.profile);
  }
  return stored;
}

/** Each delta cell merged into its stored profile (or alone, when none is stored), ready to write. */
function mergeCells(cells: readonly DeltaCell[], stored: ReadonlyMap<string, string>): MergedBucket['rows'] {
  return cells.map(([id, { key, profile }]) => {
    const old = stored.get(id);
    const merged = mergeProfiles(key.feature, old === undefined ? null : decodeProfile(key.feature, old), profile);
    return { key, n: profileRows(key.feature, merged), profile: encodeProfile(merged) };
  });
}

/** True when a bucket's stored profiles are the ones read before (same cells, same text). */
function sameProfiles(now: readonly StoredProfile[], before: readonly StoredProfile[]): boolean {
  if (now.length !== before.length) return false;
  const id = (r: StoredProfile) => `${r.model_version}\u0000${r.slice_key}\u0000${r.slice_value}\u0000${r.feature}`;
  const earlier = new Map(before.map((r) => [id(r), r.profile]));
  return now.every((r) => earlier.get(id(r)) === r.profile);
}
