import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { LabelsService } from '../labels/labels.service.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import { chooseMethod, functionFigures, type Posteriors, posteriorsOf, scoreModel } from './analysis.js';
import { argmax, estimatedAccuracies, fitDawidSkene, PatternTable } from './label-model.js';
import { type VoteRow, WeakRepository } from './weak.repository.js';

const VOTE_PAGE = 5000;
const WRITE_BATCH = 500;
/** Below three conditionally independent functions the generative model cannot be identified. */
const MIN_FUNCTIONS_FOR_EM = 3;

interface Group {
  predictionId: string;
  outcomes: Uint8Array;
  votes: Record<string, string>;
  human: number;
  audit: boolean;
}

/**
 * Fits the label model of one model from its votes and writes its labels as the `weak` source. Votes
 * are streamed twice in pages (once to fit, once to label), so memory holds one page and the table
 * of distinct vote patterns, never the votes themselves.
 */
@Injectable()
export class LabelModelService {
  constructor(
    private readonly db: Db,
    private readonly repo: WeakRepository,
    private readonly models: ModelsService,
    private readonly labels: LabelsService,
  ) {}

  async fit(runId: string, modelName: string, progress: (p: number) => Promise<void>) {
    const started = Date.now();
    const model = await this.models.require(modelName);
    const seenChanges = (await this.repo.states()).find((s) => s.model === model.name)?.votesChanged ?? 0;
    const functions = (await this.repo.functions(model.name)).filter((f) => f.enabled);
    const index = new Map(functions.map((f, j) => [f.name, j]));
    const k = model.classes.length;
    const total = await this.repo.countPredictions(model.name);
    const table = new PatternTable(functions.length, k);
    let seen = 0;
    for await (const g of this.groups(model, index)) {
      if (g.outcomes.some((o) => o !== 0)) table.add(g.outcomes, g.human, g.audit);
      if (++seen % 50_000 === 0) await progress(Math.min(0.45, (0.45 * seen) / Math.max(1, total)));
    }
    const majority = scoreModel(table, 'majority', posteriorsOf('majority', null, k));
    const em = functions.length >= MIN_FUNCTIONS_FOR_EM ? fitDawidSkene(table) : null;
    const dawidSkene = em ? scoreModel(table, 'dawid_skene', posteriorsOf('dawid_skene', em, k)) : null;
    const method = chooseMethod(majority, dawidSkene);
    const posteriors = posteriorsOf(method, em, k);
    await progress(0.5);
    const fitMs = Date.now() - started;
    const author = `label model (fit ${runId})`;
    const written = await this.writeLabels(model, index, posteriors, { runId, method, author, expected: table.total }, (p) =>
      progress(0.5 + p * 0.5),
    );
    const figures = functionFigures(table, total, model.classes);
    const estimated = em ? estimatedAccuracies(em) : null;
    await this.repo.fitted(model.name, seenChanges, Date.now());
    return {
      fitId: runId,
      method,
      classes: model.classes,
      predictions: total,
      covered: table.total,
      patterns: table.patterns.size,
      labelled: written.labelled,
      removed: written.removed,
      majority,
      dawidSkene:
        dawidSkene && em ? { ...dawidSkene, iterations: em.iterations, converged: em.converged, priors: em.priors } : null,
      functions: functions.map((f, j) => ({ name: f.name, ...figures[j], estimatedAccuracy: estimated ? estimated[j] : null })),
      fitMs,
      durationMs: Date.now() - started,
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
    };
  }

  /** The model's votes, one group per prediction, in prediction order. */
  private async *groups(model: ModelEntity, index: Map<string, number>): AsyncGenerator<Group> {
    const classIndex = new Map(model.classes.map((c, i) => [c, i]));
    let after: { predictionId: string; fn: string } | null = null;
    let current: Group | null = null;
    const start = (r: VoteRow): Group => {
      const human =
        r.effective_source === 'manual' || r.effective_source === 'audit' ? (classIndex.get(r.effective_label ?? '') ?? -1) : -1;
      return {
        predictionId: r.prediction_id,
        outcomes: new Uint8Array(index.size),
        votes: {},
        human,
        audit: r.effective_source === 'audit',
      };
    };
    for (;;) {
      const page: VoteRow[] = await this.repo.votePage(model.name, after, VOTE_PAGE);
      for (const r of page) {
        if (current && current.predictionId !== r.prediction_id) {
          yield current;
          current = null;
        }
        current ??= start(r);
        const j = index.get(r.function_name);
        const c = classIndex.get(r.label);
        if (j !== undefined && c !== undefined) {
          current.outcomes[j] = 1 + c;
          current.votes[r.function_name] = r.label;
        }
      }
      if (page.length < VOTE_PAGE) break;
      const last = page[page.length - 1];
      after = { predictionId: last.prediction_id, fn: last.function_name };
    }
    if (current) yield current;
  }

  private async writeLabels(
    model: ModelEntity,
    index: Map<string, number>,
    posteriors: Posteriors,
    fit: { runId: string; method: string; author: string; expected: number },
    progress: (p: number) => Promise<void>,
  ) {
    let batch: { group: Group; label: string; probability: number }[] = [];
    let labelled = 0;
    let removed = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const items = batch;
      batch = [];
      await this.db.tx(async (tx) => {
        const now = Date.now();
        for (const { group, label, probability } of items) {
          await this.labels.upsert(
            tx,
            {
              model: model.name,
              predictionId: group.predictionId,
              label,
              source: 'weak',
              author: '',
              authorName: fit.author,
              rule: { fit: fit.runId, method: fit.method, probability, votes: group.votes },
              eventIds: [],
              final: true,
            },
            now,
          );
        }
        await this.labels.refreshEffective(
          tx,
          model.name,
          items.map((i) => i.group.predictionId),
          model.settings.labelSourceOrder,
          now,
        );
      });
      labelled += items.length;
      if (labelled % 20_000 < WRITE_BATCH) await progress(Math.min(0.95, labelled / Math.max(1, fit.expected)));
    };
    for await (const group of this.groups(model, index)) {
      const post = posteriors(group.outcomes);
      const c = post ? argmax(post) : -1;
      if (c < 0) continue;
      batch.push({ group, label: model.classes[c], probability: Math.round(post![c] * 1e6) / 1e6 });
      if (batch.length >= WRITE_BATCH) await flush();
    }
    await flush();
    // What this fit did not label (no votes any more, a tie, a disabled function's only votes) loses its weak label.
    for (;;) {
      const stale = await this.repo.staleWeakLabels(model.name, fit.author, WRITE_BATCH);
      if (stale.length === 0) break;
      await this.db.tx(async (tx) => {
        const now = Date.now();
        removed += await this.labels.removeSourceIn(tx, model.name, 'weak', stale);
        await this.labels.refreshEffective(tx, model.name, stale, model.settings.labelSourceOrder, now);
      });
    }
    await progress(1);
    return { labelled, removed };
  }
}
