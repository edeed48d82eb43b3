import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { LockKey } from '../database/locks.js';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
import type { ProfileCellKey } from './profiler.js';

export interface PendingMarker {
  seq: number;
  model: string;
  ids: string[];
}

export interface LoggedPrediction {
  id: string;
  model_version: string;
  ts: number | string;
  features: string;
  prediction: string;
  scores: string;
  slices: string;
}

export interface StoredProfile {
  model_version: string;
  slice_key: string;
  slice_value: string;
  feature: string;
  profile: string;
}

const PROFILE_COLUMNS = 'model, grain, bucket, model_version, slice_key, slice_value, feature, n, profile';

/** Feature profiles and their pending markers. */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: Db) {}

  /** In the ingest transaction: the predictions just stored, for the profile job. */
  async addPending(tx: Tx, model: string, ids: string[], now: number): Promise<void> {
    await tx.run('INSERT INTO monitoring_pending (model, ids, created_at) VALUES (?, ?, ?)', [model, JSON.stringify(ids), now]);
  }

  lockProfiles(tx: Tx): Promise<void> {
    return tx.advisoryLock(LockKey.Profiles);
  }

  async takePending(tx: Tx, limit: number): Promise<PendingMarker[]> {
    const rows = await tx.all<{ seq: number; model: string; ids: string }>(
      'SELECT seq, model, ids FROM monitoring_pending WHERE dead_lettered_at IS NULL ORDER BY seq LIMIT ?',
      [limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), model: r.model, ids: JSON.parse(r.ids) as string[] }));
  }

  /** How many of these markers are still pending (not deleted, not dead-lettered). */
  async pendingOf(tx: Tx, seqs: number[]): Promise<number> {
    let n = 0;
    for (const part of chunks(seqs)) {
      const row = await tx.get<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM monitoring_pending WHERE dead_lettered_at IS NULL AND seq IN (${placeholders(part.length)})`,
        part,
      );
      n += Number(row?.n ?? 0);
    }
    return n;
  }

  async deletePending(tx: Tx, seqs: number[]): Promise<void> {
    for (const part of chunks(seqs))
      await tx.run(`DELETE FROM monitoring_pending WHERE seq IN (${placeholders(part.length)})`, part);
  }

  async countPending(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM monitoring_pending WHERE dead_lettered_at IS NULL',
    );
    return Number(row?.n ?? 0);
  }

  /** The oldest marker not dead-lettered, or null. */
  async oldestPendingSeq(): Promise<number | null> {
    const [row] = await this.db.query<{ seq: number }>(
      'SELECT seq FROM monitoring_pending WHERE dead_lettered_at IS NULL ORDER BY seq LIMIT 1',
    );
    return row ? Number(row.seq) : null;
  }

  /** Counts a failed attempt at a marker and keeps its error; at maxAttempts it is dead-lettered. True when it is. */
  recordFailure(seq: number, error: string, maxAttempts: number, now: number): Promise<boolean> {
    return this.db.tx(async (tx) => {
      await tx.run(
        `UPDATE monitoring_pending SET attempts = attempts + 1, last_error = ?,
                dead_lettered_at = CASE WHEN attempts + 1 >= CAST(? AS integer) THEN CAST(? AS bigint) ELSE NULL END
         WHERE seq = ? AND dead_lettered_at IS NULL`,
        [error.slice(0, 500), maxAttempts, now, seq],
      );
      const row = await tx.get<{ dead_lettered_at: number | null }>(
        'SELECT dead_lettered_at FROM monitoring_pending WHERE seq = ?',
        [seq],
      );
      return row !== undefined && row.dead_lettered_at !== null;
    });
  }

  async predictions(tx: Tx, model: string, ids: string[]): Promise<LoggedPrediction[]> {
    const out: LoggedPrediction[] = [];
    for (const part of chunks(ids)) {
      out.push(
        ...(await tx.all<LoggedPrediction>(
          `SELECT id, model_version, ts, features, prediction, scores, slices FROM predictions WHERE model = ? AND id IN (${placeholders(part.length)})`,
          [model, ...part],
        )),
      );
    }
    return out;
  }

  /** The stored profiles of one bucket of a model. */
  bucketProfiles(tx: Tx, model: string, grain: string, bucket: number): Promise<StoredProfile[]> {
    return tx.all<StoredProfile>(
      'SELECT model_version, slice_key, slice_value, feature, profile FROM monitoring_profiles WHERE model = ? AND grain = ? AND bucket = ?',
      [model, grain, bucket],
    );
  }

  /** Stores the profiles and raises the revision of each bucket and version they are in. */
  async upsertProfiles(tx: Tx, model: string, rows: { key: ProfileCellKey; n: number; profile: string }[]): Promise<void> {
    const buckets = new Map<string, ProfileCellKey>();
    for (const { key, n, profile } of rows) {
      await tx.run(
        `INSERT INTO monitoring_profiles (${PROFILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, grain, bucket, model_version, slice_key, slice_value, feature)
         DO UPDATE SET n = excluded.n, profile = excluded.profile`,
        [model, key.grain, key.bucket, key.modelVersion, key.sliceKey, key.sliceValue, key.feature, n, profile],
      );
      buckets.set(`${key.grain}\u0001${key.bucket}\u0001${key.modelVersion}`, key);
    }
    for (const key of buckets.values()) {
      await tx.run(
        `INSERT INTO monitoring_profile_revisions (model, grain, bucket, model_version, revision) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (model, grain, bucket, model_version) DO UPDATE SET revision = monitoring_profile_revisions.revision + 1`,
        [model, key.grain, key.bucket, key.modelVersion],
      );
    }
  }

  /**
   * Every profile of the model at one grain with bucket in [from, to), of one version or all, in
   * key order (bucket first), so that merging them one after another gives the same result each time.
   */
  windowProfiles(
    model: string,
    grain: string,
    from: number,
    to: number,
    version: string | null,
    feature: string | null = null,
  ): Promise<StoredProfile[]> {
    return this.db.query<StoredProfile>(
      `SELECT model_version, slice_key, slice_value, feature, profile FROM monitoring_profiles
       WHERE model = ? AND grain = ? AND bucket >= ? AND bucket < ?${version === null ? '' : ' AND model_version = ?'}${feature === null ? '' : ' AND feature = ?'}
       ORDER BY bucket, model_version, slice_key, slice_value, feature`,
      [model, grain, from, to, ...(version === null ? [] : [version]), ...(feature === null ? [] : [feature])],
    );
  }

  /**
   * What the profiles of [from, to) are at: how many bucket revisions there are and their sum. The
   * profile job raises a bucket's revision in the transaction that changes it, so any change to
   * those buckets changes this.
   */
  async windowStamp(model: string, grain: string, from: number, to: number, version: string | null): Promise<string> {
    const [row] = await this.db.query<{ buckets: number | string; revisions: number | string | null }>(
      `SELECT COUNT(*) AS buckets, SUM(revision) AS revisions FROM monitoring_profile_revisions
       WHERE model = ? AND grain = ? AND bucket >= ? AND bucket < ?${version === null ? '' : ' AND model_version = ?'}`,
      [model, grain, from, to, ...(version === null ? [] : [version])],
    );
    return `${Number(row?.buckets ?? 0)}:${Number(row?.revisions ?? 0)}`;
  }

  /** The first and last hour bucket holding profiles, for a window without bounds. */
  async extent(model: string): Promise<{ first: number; last: number } | null> {
    const [row] = await this.db.query<{ first: number | string | null; last: number | string | null }>(
      'SELECT MIN(bucket) AS first, MAX(bucket) AS last FROM monitoring_profiles WHERE model = ? AND grain = ?',
      [model, 'hour'],
    );
    return row?.first === null || row?.first === undefined ? null : { first: Number(row.first), last: Number(row.last) };
  }

  /** Recent labeled predictions, for the calibration job: audit labels first. */
  labeledPredictions(model: string, limit: number) {
    return this.db.query<{ prediction: string; scores: string; effective_label: string; effective_source: string }>(
      `SELECT prediction, scores, effective_label, effective_source FROM predictions
       WHERE model = ? AND effective_label IS NOT NULL ORDER BY ts DESC LIMIT ?`,
      [model, limit],
    );
  }
}
