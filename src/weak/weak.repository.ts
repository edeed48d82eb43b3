import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
import type { FunctionDefinition, FunctionKind } from './functions.js';
import type { RunKind, RunStatus } from './weak.entities.js';

export interface FunctionRow {
  model: string;
  name: string;
  kind: FunctionKind;
  definition: FunctionDefinition;
  enabled: boolean;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface RunRow {
  id: string;
  model: string;
  kind: RunKind;
  status: RunStatus;
  progress: number;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface VoteRow {
  prediction_id: string;
  function_name: string;
  label: string;
  /** The prediction's effective label and its source, for agreement with people. */
  effective_label: string | null;
  effective_source: string | null;
}

export interface PredictionInput {
  id: string;
  features: string;
  scores: string;
}

type RawFunction = Record<'model' | 'name' | 'kind' | 'definition', string> &
  Record<'enabled' | 'version' | 'created_at' | 'updated_at', number | string>;
type RawRun = Omit<RunRow, 'result' | 'createdAt' | 'finishedAt' | 'progress'> & {
  result: string | null;
  progress: number | string;
  created_at: number | string;
  finished_at: number | string | null;
};

const toFunction = (r: RawFunction): FunctionRow => ({
  model: r.model,
  name: r.name,
  kind: r.kind as FunctionKind,
  definition: JSON.parse(r.definition) as FunctionDefinition,
  enabled: Number(r.enabled) === 1,
  version: Number(r.version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toRun = (r: RawRun): RunRow => ({
  id: r.id,
  model: r.model,
  kind: r.kind,
  status: r.status,
  progress: Number(r.progress),
  result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
  error: r.error,
  createdAt: Number(r.created_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
});

/** The lf_* tables, by intent; reads of predictions and labels for the functions and the fit. */
@Injectable()
export class WeakRepository {
  constructor(private readonly db: Db) {}

  // Functions

  async functions(model: string): Promise<FunctionRow[]> {
    return (await this.db.query<RawFunction>('SELECT * FROM lf_functions WHERE model = ? ORDER BY name', [model])).map(
      toFunction,
    );
  }

  async function(tx: Tx, model: string, name: string): Promise<FunctionRow | null> {
    const r = await tx.get<RawFunction>(`SELECT * FROM lf_functions WHERE model = ? AND name = ?${tx.lockRows()}`, [model, name]);
    return r ? toFunction(r) : null;
  }

  async saveFunction(tx: Tx, f: FunctionRow): Promise<void> {
    await tx.run(
      `INSERT INTO lf_functions (model, name, kind, definition, enabled, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (model, name) DO UPDATE SET kind = excluded.kind, definition = excluded.definition,
         enabled = excluded.enabled, version = excluded.version, updated_at = excluded.updated_at`,
      [f.model, f.name, f.kind, JSON.stringify(f.definition), f.enabled ? 1 : 0, f.version, f.createdAt, f.updatedAt],
    );
  }

  async setEnabled(tx: Tx, model: string, name: string, enabled: boolean, now: number): Promise<number> {
    return tx.run('UPDATE lf_functions SET enabled = ?, updated_at = ? WHERE model = ? AND name = ?', [
      enabled ? 1 : 0,
      now,
      model,
      name,
    ]);
  }

  async deleteFunction(tx: Tx, model: string, name: string): Promise<void> {
    await tx.run('DELETE FROM lf_votes WHERE model = ? AND function_name = ?', [model, name]);
    await tx.run('DELETE FROM lf_functions WHERE model = ? AND name = ?', [model, name]);
  }

  // Votes

  /** Stores votes, replacing a function's earlier vote on the same prediction; returns how many rows changed. */
  async upsertVotes(
    tx: Tx,
    model: string,
    fn: string,
    votes: { predictionId: string; label: string }[],
    now: number,
  ): Promise<number> {
    let changed = 0;
    for (const part of chunks(votes, 200)) {
      changed += await tx.run(
        `INSERT INTO lf_votes (model, prediction_id, function_name, label, created_at) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (model, prediction_id, function_name) DO UPDATE SET label = excluded.label, created_at = excluded.created_at
         WHERE lf_votes.label <> excluded.label`,
        part.flatMap((v) => [model, v.predictionId, fn, v.label, now]),
      );
    }
    return changed;
  }

  /** Removes a function's votes on these predictions (it abstains now); returns how many there were. */
  async deleteVotes(tx: Tx, model: string, fn: string, predictionIds: string[]): Promise<number> {
    let n = 0;
    for (const ids of chunks(predictionIds)) {
      n += await tx.run(
        `DELETE FROM lf_votes WHERE model = ? AND function_name = ? AND prediction_id IN (${placeholders(ids.length)})`,
        [model, fn, ...ids],
      );
    }
    return n;
  }

  async deleteAllVotes(tx: Tx, model: string, fn: string): Promise<number> {
    return tx.run('DELETE FROM lf_votes WHERE model = ? AND function_name = ?', [model, fn]);
  }

  /**
   * One page of votes in (prediction, function) order after the given position, with each
   * prediction's effective label; a keyset page, so that a fit holds one page at a time.
   */
  votePage(model: string, after: { predictionId: string; fn: string } | null, limit: number): Promise<VoteRow[]> {
    // A row-value comparison, so that both databases seek the primary key instead of scanning.
    const where = after === null ? '' : ' AND (v.prediction_id, v.function_name) > (?, ?)';
    return this.db.query<VoteRow>(
      `SELECT v.prediction_id, v.function_name, v.label, p.effective_label, p.effective_source
       FROM lf_votes v JOIN predictions p ON p.model = v.model AND p.id = v.prediction_id
       WHERE v.model = ?${where} ORDER BY v.prediction_id, v.function_name LIMIT ${Math.floor(limit)}`,
      after === null ? [model] : [model, after.predictionId, after.fn],
    );
  }

  // Predictions (read)

  async countPredictions(model: string): Promise<number> {
    const r = await this.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM predictions WHERE model = ?', [model]);
    return Number(r[0]?.n ?? 0);
  }

  predictionPage(model: string, afterId: string | null, limit: number): Promise<PredictionInput[]> {
    return this.db.query<PredictionInput>(
      `SELECT id, features, scores FROM predictions WHERE model = ?${afterId === null ? '' : ' AND id > ?'} ORDER BY id LIMIT ${Math.floor(limit)}`,
      afterId === null ? [model] : [model, afterId],
    );
  }

  async predictionsByIds(tx: Tx, model: string, ids: string[]): Promise<PredictionInput[]> {
    const out: PredictionInput[] = [];
    for (const part of chunks(ids)) {
      out.push(
        ...(await tx.all<PredictionInput>(
          `SELECT id, features, scores FROM predictions WHERE model = ? AND id IN (${placeholders(part.length)})`,
          [model, ...part],
        )),
      );
    }
    return out;
  }

  /** Which of these ids are stored predictions of the model. */
  async existing(tx: Tx, model: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(ids)) {
      for (const r of await tx.all<{ id: string }>(
        `SELECT id FROM predictions WHERE model = ? AND id IN (${placeholders(part.length)})`,
        [model, ...part],
      ))
        found.add(r.id);
    }
    return found;
  }

  // Pending predictions

  async enqueuePending(tx: Tx, keys: { model: string; id: string }[]): Promise<void> {
    for (const part of chunks(keys, 400)) {
      await tx.run(
        `INSERT INTO lf_pending (model, prediction_id) VALUES ${part.map(() => '(?, ?)').join(', ')} ON CONFLICT DO NOTHING`,
        part.flatMap((k) => [k.model, k.id]),
      );
    }
  }

  takePending(tx: Tx, limit: number): Promise<{ model: string; prediction_id: string }[]> {
    return tx.all(
      `SELECT model, prediction_id FROM lf_pending ORDER BY model, prediction_id LIMIT ${Math.floor(limit)}${tx.skipLocked()}`,
    );
  }

  async donePending(tx: Tx, model: string, ids: string[]): Promise<void> {
    for (const part of chunks(ids)) {
      await tx.run(`DELETE FROM lf_pending WHERE model = ? AND prediction_id IN (${placeholders(part.length)})`, [
        model,
        ...part,
      ]);
    }
  }

  /** Models that have at least one enabled declarative function. */
  async modelsWithDeclarative(tx: Tx, names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await tx.all<{ model: string }>(
      `SELECT DISTINCT model FROM lf_functions WHERE enabled = 1 AND kind <> 'external' AND model IN (${placeholders(names.length)})`,
      names,
    );
    return new Set(rows.map((r) => r.model));
  }

  // Fit state

  async addVotesChanged(tx: Tx, model: string, n: number): Promise<void> {
    if (n === 0) return;
    await tx.run(
      `INSERT INTO lf_state (model, votes_changed, fitted_at) VALUES (?, ?, NULL)
       ON CONFLICT (model) DO UPDATE SET votes_changed = lf_state.votes_changed + excluded.votes_changed`,
      [model, n],
    );
  }

  async states(): Promise<{ model: string; votesChanged: number; fittedAt: number | null }[]> {
    const rows = await this.db.query<{ model: string; votes_changed: number | string; fitted_at: number | string | null }>(
      'SELECT model, votes_changed, fitted_at FROM lf_state',
    );
    return rows.map((r) => ({
      model: r.model,
      votesChanged: Number(r.votes_changed),
      fittedAt: r.fitted_at === null ? null : Number(r.fitted_at),
    }));
  }

  /** After a fit that started having seen `seen` changes: later changes stay counted. */
  async fitted(model: string, seen: number, now: number): Promise<void> {
    await this.write('UPDATE lf_state SET votes_changed = votes_changed - ?, fitted_at = ? WHERE model = ?', [seen, now, model]);
  }

  // Runs

  async insertRun(run: RunRow): Promise<void> {
    await this.write(
      'INSERT INTO lf_runs (id, model, kind, status, progress, result, error, created_at, finished_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, NULL)',
      [run.id, run.model, run.kind, run.status, run.progress, run.createdAt],
    );
  }

  async updateRun(
    id: string,
    set: { status?: RunStatus; progress?: number; result?: Record<string, unknown>; error?: string; finishedAt?: number },
  ) {
    const values: [string, unknown][] = [
      ['status', set.status],
      ['progress', set.progress],
      ['result', set.result === undefined ? undefined : JSON.stringify(set.result)],
      ['error', set.error],
      ['finished_at', set.finishedAt],
    ];
    const given = values.filter(([, v]) => v !== undefined);
    const cols = given.map(([c]) => `${c} = ?`);
    const params = given.map(([, v]) => v);
    await this.write(`UPDATE lf_runs SET ${cols.join(', ')} WHERE id = ?`, [...params, id]);
  }

  async run(id: string): Promise<RunRow | null> {
    const rows = await this.db.query<RawRun>('SELECT * FROM lf_runs WHERE id = ?', [id]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  async latestRun(model: string, kind: RunKind, status?: RunStatus): Promise<RunRow | null> {
    const rows = await this.db.query<RawRun>(
      `SELECT * FROM lf_runs WHERE model = ? AND kind = ?${status ? ' AND status = ?' : ''} ORDER BY created_at DESC, id DESC LIMIT 1`,
      status ? [model, kind, status] : [model, kind],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  async unfinishedRuns(): Promise<RunRow[]> {
    return (await this.db.query<RawRun>("SELECT * FROM lf_runs WHERE status IN ('queued', 'running')")).map(toRun);
  }

  /** A write outside the caller's transactions: its own, so that on SQLite it never joins another flow's open one. */
  private write(sql: string, params: unknown[]): Promise<number> {
    return this.db.tx((tx) => tx.run(sql, params));
  }

  // Weak labels (read; they are written through the labels module)

  /** Weak labels of the model not written by this fit: their predictions lost their votes. */
  async staleWeakLabels(model: string, fitAuthor: string, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ prediction_id: string }>(
      `SELECT prediction_id FROM labels WHERE model = ? AND source = 'weak' AND author = '' AND author_name <> ? LIMIT ${Math.floor(limit)}`,
      [model, fitAuthor],
    );
    return rows.map((r) => r.prediction_id);
  }
}
