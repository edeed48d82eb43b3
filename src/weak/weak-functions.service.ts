import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '../common/api-error.js';
import { Db } from '../database/db.js';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { ModelsService } from '../models/models.service.js';
import { checkFunctionName, parseFunction } from './functions.js';
import type { RunKind } from './weak.entities.js';
import { type FunctionRow, type RunRow, WeakRepository } from './weak.repository.js';

/** A change of which functions count is always enough to refit. */
export const REFIT_AFTER_CHANGES = 1000;

/** Labeling functions as settings: stored, validated, enabled or not; runs over history on demand. */
@Injectable()
export class WeakFunctionsService {
  constructor(
    private readonly db: Db,
    private readonly repo: WeakRepository,
    private readonly models: ModelsService,
    private readonly jobs: JobQueue,
  ) {}

  async put(modelName: string, name: string, body: Record<string, unknown>) {
    const model = await this.models.require(modelName);
    const nameProblems = checkFunctionName(name);
    if (nameProblems.length > 0) throw badRequest('invalid_function_name', nameProblems);
    const parsed = parseFunction(body, model);
    if ('problems' in parsed) throw badRequest('invalid_labeling_function', parsed.problems);
    const now = Date.now();
    const { row, rerun } = await this.db.tx(async (tx) => {
      const before = await this.repo.function(tx, model.name, name);
      const changed = !before || JSON.stringify(before.definition) !== JSON.stringify(parsed.definition);
      const row: FunctionRow = {
        model: model.name,
        name,
        kind: parsed.definition.kind,
        definition: parsed.definition,
        enabled: parsed.enabled,
        version: before ? before.version + (changed ? 1 : 0) : 1,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      };
      await this.repo.saveFunction(tx, row);
      // An external function's votes come from outside; a changed declarative one is recomputed from scratch.
      if (changed && before && row.kind !== 'external') await this.repo.deleteAllVotes(tx, model.name, name);
      if (changed || before?.enabled !== row.enabled) await this.repo.addVotesChanged(tx, model.name, REFIT_AFTER_CHANGES);
      return { row, rerun: row.kind !== 'external' && row.enabled && (changed || !before?.enabled) };
    });
    const run = rerun ? await this.startRun(model.name, 'apply', { functions: [name] }) : null;
    return { row, created: row.version === 1 && row.createdAt === now, applyRun: run?.id ?? null };
  }

  async get(modelName: string, name: string): Promise<FunctionRow> {
    const model = await this.models.require(modelName);
    const row = (await this.repo.functions(model.name)).find((f) => f.name === name);
    if (!row) throw notFound('labeling_function_not_found');
    return row;
  }

  async delete(modelName: string, name: string): Promise<void> {
    const model = await this.models.require(modelName);
    const found = await this.db.tx(async (tx) => {
      if (!(await this.repo.function(tx, model.name, name))) return false;
      await this.repo.deleteFunction(tx, model.name, name);
      await this.repo.addVotesChanged(tx, model.name, REFIT_AFTER_CHANGES);
      return true;
    });
    if (!found) throw notFound('labeling_function_not_found');
  }

  async setEnabled(modelName: string, name: string, enabled: boolean): Promise<void> {
    const row = await this.get(modelName, name);
    await this.put(modelName, name, { ...row.definition, enabled });
  }

  async list(modelName: string) {
    const model = await this.models.require(modelName);
    const [functions, fit, lastApply] = await Promise.all([
      this.repo.functions(model.name),
      this.repo.latestRun(model.name, 'fit', 'done'),
      this.repo.latestRun(model.name, 'apply'),
    ]);
    return { model, functions, fit, lastApply };
  }

  /** Queues a run over the model's history: applying the (named, or all enabled) functions, or fitting. */
  async startRun(modelName: string, kind: RunKind, data: { functions?: string[] } = {}): Promise<RunRow> {
    const model = await this.models.require(modelName);
    const run: RunRow = {
      id: randomUUID(),
      model: model.name,
      kind,
      status: 'queued',
      progress: 0,
      result: null,
      error: null,
      createdAt: Date.now(),
      finishedAt: null,
    };
    await this.repo.insertRun(run);
    await this.jobs.add(QueueName.Weak, kind, { runId: run.id, ...data }, { jobId: `weak-${kind}:${run.id}`, attempts: 3 });
    return run;
  }

  async run(modelName: string, id: string): Promise<RunRow> {
    const run = await this.repo.run(id);
    if (!run || run.model !== modelName) throw notFound('run_not_found');
    return run;
  }
}
