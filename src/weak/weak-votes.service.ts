import { Injectable, type OnModuleInit } from '@nestjs/common';
import { badRequest, conflict, type ErrorDetail, notFound } from '../common/api-error.js';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import { ModelsService } from '../models/models.service.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import { type Voter, voterOf } from './functions.js';
import { type FunctionRow, type PredictionInput, WeakRepository } from './weak.repository.js';

export const MAX_VOTES_PER_BATCH = 10_000;
const PENDING_BATCH = 2000;
const HISTORY_PAGE = 1000;

export interface ExternalVotes {
  function: string;
  votes: { predictionId: string; label: string }[];
}

/** Votes: computed here by declarative functions (new predictions and history), or sent by external ones. */
@Injectable()
export class WeakVotesService implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly repo: WeakRepository,
    private readonly models: ModelsService,
    private readonly predictions: PredictionsService,
  ) {}

  onModuleInit(): void {
    // New predictions of models with functions are queued in the storing transaction, so none is missed.
    this.predictions.onArrival({
      stored: async (tx, keys) => {
        if (keys.length === 0) return;
        const withFunctions = await this.repo.modelsWithDeclarative(tx, [...new Set(keys.map((k) => k.model))]);
        const pending = keys.filter((k) => withFunctions.has(k.model));
        if (pending.length > 0) await this.repo.enqueuePending(tx, pending);
      },
      committed: async () => undefined,
    });
  }

  /** External votes: all stored or none; votes for predictions the model does not have are counted, not stored. */
  async ingest(modelName: string, body: ExternalVotes) {
    const model = await this.models.require(modelName);
    const problems: ErrorDetail[] = [];
    const seen = new Set<string>();
    body.votes.forEach((v, index) => {
      if (!model.classes.includes(v.label))
        problems.push({ index, field: `votes.${index}.label`, message: `"${v.label}" is not one of the model's classes` });
      if (seen.has(v.predictionId))
        problems.push({ index, field: `votes.${index}.predictionId`, message: 'appears twice in the batch' });
      seen.add(v.predictionId);
    });
    if (problems.length > 0) throw badRequest('invalid_votes: nothing was stored', problems);
    return this.db.tx(async (tx) => {
      const fn = await this.repo.function(tx, model.name, body.function);
      if (!fn) throw notFound('labeling_function_not_found');
      if (fn.kind !== 'external') throw conflict('labeling_function_not_external: this function computes its own votes');
      const known = await this.repo.existing(
        tx,
        model.name,
        body.votes.map((v) => v.predictionId),
      );
      const stored = body.votes.filter((v) => known.has(v.predictionId));
      const unknown = body.votes.filter((v) => !known.has(v.predictionId)).map((v) => v.predictionId);
      const changed = await this.repo.upsertVotes(tx, model.name, fn.name, stored, Date.now());
      await this.repo.addVotesChanged(tx, model.name, changed);
      return {
        accepted: stored.length,
        changed,
        unchanged: stored.length - changed,
        unknown: unknown.length,
        unknownIds: unknown.slice(0, 100),
      };
    });
  }

  /** Runs the functions over predictions stored since the last pass; returns how many were done. */
  async drainPending(): Promise<number> {
    return this.db.tx(async (tx) => {
      const taken = await this.repo.takePending(tx, PENDING_BATCH);
      const byModel = new Map<string, string[]>();
      for (const r of taken) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r.prediction_id]);
      for (const [model, ids] of byModel) {
        const functions = (await this.repo.functions(model)).filter((f) => f.enabled && f.kind !== 'external');
        if (functions.length > 0)
          await this.applyIn(tx, model, functions, await this.repo.predictionsByIds(tx, model, ids), false);
        await this.repo.donePending(tx, model, ids);
      }
      return taken.length;
    });
  }

  /** Runs the (named, or every enabled) declarative functions over the model's whole history, a page per transaction. */
  async applyHistory(modelName: string, names: string[] | undefined, progress: (done: number, total: number) => Promise<void>) {
    const all = await this.repo.functions(modelName);
    const functions = all.filter((f) => f.enabled && f.kind !== 'external' && (!names || names.includes(f.name)));
    const total = await this.repo.countPredictions(modelName);
    let after: string | null = null;
    let done = 0;
    let votes = 0;
    if (functions.length === 0) return { functions: [], predictions: 0, votes: 0 };
    for (;;) {
      const page = await this.repo.predictionPage(modelName, after, HISTORY_PAGE);
      if (page.length === 0) break;
      votes += await this.db.tx((tx) => this.applyIn(tx, modelName, functions, page, true));
      done += page.length;
      after = page[page.length - 1].id;
      await progress(done, total);
      if (page.length < HISTORY_PAGE) break;
    }
    return { functions: functions.map((f) => f.name), predictions: done, votes };
  }

  /** Evaluates the functions on these predictions and stores their votes; with `replace`, abstentions remove earlier votes. */
  private async applyIn(
    tx: Tx,
    model: string,
    functions: FunctionRow[],
    rows: PredictionInput[],
    replace: boolean,
  ): Promise<number> {
    const voters = functions
      .map((f) => ({ name: f.name, voter: voterOf(f.definition) }))
      .filter((v): v is { name: string; voter: Voter } => v.voter !== null);
    const parsed = rows.map((r) => ({
      id: r.id,
      features: JSON.parse(r.features) as Record<string, unknown>,
      scores: JSON.parse(r.scores) as Record<string, number>,
    }));
    const now = Date.now();
    let changed = 0;
    let votes = 0;
    for (const { name, voter } of voters) {
      const cast: { predictionId: string; label: string }[] = [];
      const abstained: string[] = [];
      for (const p of parsed) {
        const label = voter.vote(p.features, p.scores);
        if (label === null) abstained.push(p.id);
        else cast.push({ predictionId: p.id, label });
      }
      votes += cast.length;
      changed += await this.repo.upsertVotes(tx, model, name, cast, now);
      if (replace && abstained.length > 0) changed += await this.repo.deleteVotes(tx, model, name, abstained);
    }
    await this.repo.addVotesChanged(tx, model, changed);
    return votes;
  }
}
