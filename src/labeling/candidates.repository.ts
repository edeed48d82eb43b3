import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import { jsonText, predictionAddresses } from '../database/dialect.js';
import type { BatchFilters } from './labeling-batch.entity.js';
import type { SeededRandom } from '../common/random.js';
import { SCORE_COLUMNS, type Strategy } from './strategies.js';

/** Which predictions may go into a new batch. */
export interface PoolSpec {
  model: string;
  includeDirect: boolean;
  filters: BatchFilters;
  /**
   * candidates (default): the active-learning pool. audit: every prediction in the window that has no
   * audit label and is not waiting as an audit task, whatever its other labels, so audit labels are a
   * uniform sample of all the window's predictions.
   */
  frame?: 'candidates' | 'audit';
}

export interface PoolRow {
  id: string;
  hash: string;
  cls: string;
  score: number | null;
}

/** Probing stops and a scan of the pool takes over after this many addresses (or 50 per row wanted). */
const MIN_PROBE_BUDGET = 20_000;
const MAX_PROBE_BATCH = 5_000;

/**
 * Reads of the candidate pool: predictions of the model that match the filters, have no manual or
 * audit label (nor a final direct one, unless includeDirect), and are not waiting in a batch.
 * Every read is indexed per (model, prediction, score bucket) or by row address: none sorts the pool
 * (ranked reads sort only the top bucket or two their LIMIT reaches).
 */
@Injectable()
export class CandidatesRepository {
  constructor(private readonly db: Db) {}

  /** The next `limit` candidates of one predicted class, most uncertain first. */
  async ranked(
    tx: Tx,
    pool: PoolSpec,
    strategy: Exclude<Strategy, 'random'>,
    cls: string,
    limit: number,
    offset: number,
  ): Promise<PoolRow[]> {
    const { column, bucket, mostUncertainFirst } = SCORE_COLUMNS[strategy];
    const where = this.where(pool, cls);
    return tx.all<PoolRow>(
      `SELECT p.id, p.feature_hash AS hash, p.prediction AS cls, p.${column} AS score FROM predictions p
       WHERE ${where.sql} ORDER BY p.${bucket} ${mostUncertainFirst}, p.${column} ${mostUncertainFirst} LIMIT ? OFFSET ?`,
      [...where.params, limit, offset],
    );
  }

  /** The pool's size per value of one slice key (stratified audits): one pass over the pool. */
  async countBySlice(tx: Tx, pool: PoolSpec, key: string): Promise<Map<string, number>> {
    const where = this.where(pool);
    const slice = jsonText(this.db, 'p.slices', key);
    const rows = await tx.all<{ value: string | null; n: number }>(
      `SELECT ${slice.sql} AS value, COUNT(*) AS n FROM predictions p WHERE ${where.sql} GROUP BY 1`,
      [...slice.params, ...where.params],
    );
    return new Map(rows.filter((r) => r.value !== null).map((r) => [String(r.value), Number(r.n)]));
  }

  /**
   * The pool's size. For the audit frame, the window's predictions (an index-only count) less those
   * of them that are audited or waiting as audit tasks (a small set, looked up by key): the same
   * number as counting the frame with its NOT EXISTS on every row, which took 380 ms at 1M predictions.
   */
  async count(tx: Tx, pool: PoolSpec): Promise<number> {
    if (pool.frame === 'audit') {
      const base = this.where(pool, undefined, false);
      const row = await tx.get<{ all: number; excluded: number }>(
        `SELECT (SELECT COUNT(*) FROM predictions p WHERE ${base.sql}) AS "all",
           (SELECT COUNT(*) FROM predictions p WHERE ${base.sql} AND p.id IN (
              SELECT l.prediction_id FROM labels l WHERE l.model = ? AND l.source = 'audit'
              UNION SELECT q.prediction_id FROM labeling_tasks q WHERE q.model = ? AND q.reason = 'audit'
                AND q.status IN ('pending', 'leased'))) AS excluded`,
        [...base.params, ...base.params, pool.model, pool.model],
      );
      return Number(row?.all ?? 0) - Number(row?.excluded ?? 0);
    }
    const where = this.where(pool);
    const row = await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM predictions p WHERE ${where.sql}`, where.params);
    return Number(row?.n ?? 0);
  }

  /** The pool's size per predicted class (proportional quotas): one pass over the model's pool. */
  async countByClass(tx: Tx, pool: PoolSpec): Promise<Map<string, number>> {
    const where = this.where(pool);
    const rows = await tx.all<{ cls: string; n: number }>(
      `SELECT p.prediction AS cls, COUNT(*) AS n FROM predictions p WHERE ${where.sql} GROUP BY p.prediction`,
      where.params,
    );
    return new Map(rows.map((r) => [r.cls, Number(r.n)]));
  }

  /**
   * Up to `want` candidates (of one class, if given) drawn uniformly at random, in random order.
   * Draws random row addresses and keeps the qualifying rows; when the table is small, or
   * qualifying rows too sparse to find within `budget` draws, reads the whole pool and shuffles it.
   * `exhausted` says the answer is the whole pool.
   */
  async sample(
    tx: Tx,
    pool: PoolSpec,
    want: number,
    random: SeededRandom,
    { cls, budget = Math.max(MIN_PROBE_BUDGET, 50 * want) }: { cls?: string; budget?: number } = {},
  ): Promise<{ rows: PoolRow[]; exhausted: boolean; via: 'addresses' | 'scan' }> {
    const where = this.where(pool, cls);
    if (want <= 0) return { rows: [], exhausted: false, via: 'scan' };
    const space = await predictionAddresses(tx);
    if (space.size > 2 * budget) {
      const drawn = new Set<number>();
      const hits: PoolRow[] = [];
      while (hits.length < want && drawn.size < budget) {
        const density = drawn.size === 0 ? 1 : Math.max(hits.length / drawn.size, 0.01);
        const size = Math.min(MAX_PROBE_BATCH, Math.ceil(((want - hits.length) / density) * 1.25) + 16);
        const addresses = random.distinct(space.size, Math.min(size, budget - drawn.size), drawn);
        const match = space.match(addresses);
        const rows = await tx.all<PoolRow & { addr: unknown }>(
          `SELECT ${space.column} AS addr, p.id, p.feature_hash AS hash, p.prediction AS cls, NULL AS score
           FROM predictions p WHERE ${where.sql} AND ${match.sql}`,
          [...where.params, ...match.params],
        );
        const drawOrder = new Map(addresses.map((a, i) => [a, i]));
        const rank = (row: { addr: unknown }) => drawOrder.get(space.indexOf(row.addr)) ?? 0;
        rows.sort((a, b) => rank(a) - rank(b));
        for (const { id, hash, cls: c } of rows) hits.push({ id, hash, cls: c, score: null });
      }
      if (hits.length >= want) return { rows: hits.slice(0, want), exhausted: false, via: 'addresses' };
    }
    const all = await tx.all<PoolRow>(
      `SELECT p.id, p.feature_hash AS hash, p.prediction AS cls, NULL AS score FROM predictions p WHERE ${where.sql}`,
      where.params,
    );
    return { rows: random.shuffle(all).slice(0, want), exhausted: all.length <= want, via: 'scan' };
  }

  /** The pool's conditions; `exclusions: false` leaves out its NOT EXISTS on labels and tasks. */
  private where(pool: PoolSpec, cls?: string, exclusions = true): { sql: string; params: unknown[] } {
    const parts = ['p.model = ?'];
    const params: unknown[] = [pool.model];
    const add = (sql: string, ...values: unknown[]) => {
      parts.push(sql);
      params.push(...values);
    };
    if (cls !== undefined) add('p.prediction = ?', cls);
    const { modelVersion, from, to, slices } = pool.filters;
    if (modelVersion !== undefined) add('p.model_version = ?', modelVersion);
    if (from !== undefined) add('p.ts >= ?', from);
    if (to !== undefined) add('p.ts < ?', to);
    for (const [key, value] of Object.entries(slices ?? {})) {
      const slice = jsonText(this.db, 'p.slices', key);
      add(`${slice.sql} = ?`, ...slice.params, value);
    }
    if (!exclusions) return { sql: parts.join(' AND '), params };
    if (pool.frame === 'audit') {
      add(`NOT EXISTS (SELECT 1 FROM labels l WHERE l.model = p.model AND l.prediction_id = p.id AND l.source = 'audit')`);
      add(
        `NOT EXISTS (SELECT 1 FROM labeling_tasks q WHERE q.model = p.model AND q.prediction_id = p.id
           AND q.reason = 'audit' AND q.status IN ('pending', 'leased'))`,
      );
      return { sql: parts.join(' AND '), params };
    }
    const finalDirect = pool.includeDirect ? '' : " OR (l.source = 'direct' AND l.final = 1)";
    add(
      `NOT EXISTS (SELECT 1 FROM labels l WHERE l.model = p.model AND l.prediction_id = p.id
         AND (l.source IN ('manual', 'audit')${finalDirect}))`,
    );
    add(
      `NOT EXISTS (SELECT 1 FROM labeling_tasks q WHERE q.model = p.model AND q.prediction_id = p.id
         AND q.status IN ('pending', 'leased'))`,
    );
    return { sql: parts.join(' AND '), params };
  }
}
