import { Injectable, Logger } from '@nestjs/common';
import { storedDuration } from '../common/durations.js';
import { StepSize } from '../common/step-size.js';
import { AppConfig } from '../config/config.js';
import { Db } from '../database/db.js';
import type { Tx } from '../database/tx.js';
import { LabelMetrics } from '../labels/label-metrics.js';
import type { EffectiveChange, LabelWrite } from '../labels/labels.repository.js';
import { LabelsService } from '../labels/labels.service.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import { readsLately } from '../ops/foreground.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import type { EventState } from './event.entity.js';
import { EventsRepository, groupBy, type NewEvent } from './events.repository.js';
import { compileRules, type CompiledRules, evaluateEvent, upgrades, windowCloses } from './rules.js';
import { backgroundTurn } from '../jobs/background-turns.js';

/** Rows per step at most; on SQLite, while reads come in, a step is sized to JOB_STEP_BUDGET_MS (StepSize). */
const BATCH = 2000;
const MIN_STEP = 100;
/** Passes of a tick's steps at most (see tick). */
const MAX_PASSES = 5;
/** How far back the sweep looks for pending events whose prediction came in a concurrent transaction. */
const RECENT_PENDING_MS = 2 * 60_000;

/** Turns joined events into direct labels, closes windows into implicit labels, sweeps pending events. */
@Injectable()
export class JoinService {
  private readonly logger = new Logger(JoinService.name);
  /** Step sizes of the three drains, learnt from their own timings; always BATCH on PostgreSQL, whose transactions do not block. */
  private readonly steps: Record<'apply' | 'implicit' | 'final', StepSize>;

  constructor(
    private readonly db: Db,
    private readonly events: EventsRepository,
    private readonly labels: LabelsService,
    private readonly predictions: PredictionsService,
    private readonly models: ModelsService,
    private readonly metrics: LabelMetrics,
    config: AppConfig,
  ) {
    const budgetMs = db.kind === 'sqlite' ? config.JOB_STEP_BUDGET_MS : 0;
    const size = () => new StepSize(budgetMs, MIN_STEP, BATCH);
    this.steps = { apply: size(), implicit: size(), final: size() };
  }

  /** One pass of everything the database shows as due. Safe to run twice, or concurrently on PostgreSQL. */
  async tick(
    now = Date.now(),
  ): Promise<{ applied: number; joinedLate: number; implicit: number; finalised: number; orphaned: number }> {
    const joinedLate = await this.joinArrivedPredictions(now);
    // Each step is one transaction of up to BATCH rows; on SQLite it runs synchronously, so the tick
    // lets requests in between steps instead of holding the event loop for the whole backlog, and
    // while reads come in, each step is sized to last about JOB_STEP_BUDGET_MS.
    const drain = async (step: () => Promise<number>) => {
      let total = 0;
      for (let n = await step(); n > 0; n = await step()) {
        total += n;
        await backgroundTurn();
      }
      return total;
    };
    let [applied, implicit, finalised] = [0, 0, 0];
    // Events that arrive once the first step has drained would wait for the next scheduled tick: a
    // request for the join while this one runs is deduplicated away (both job drivers). So the steps
    // run again while a pass finds new events, a bounded number of times.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      applied += await drain(() => this.applyNewEvents(now));
      implicit += await drain(() => this.closeImplicitWindows(now));
      finalised += await drain(() => this.finaliseWindows(now));
      if (!(await this.events.hasNew())) break;
    }
    const orphaned = await this.orphanStaleEvents(now);
    return { applied, joinedLate, implicit, finalised, orphaned };
  }

  /**
   * Recent pending events whose prediction has arrived become new. A prediction's ingest already
   * does this for its own early events; this sweep catches an event and its prediction that were
   * stored at the same moment by two transactions (PostgreSQL), without rescanning every event still
   * waiting for a prediction that may never come.
   */
  async joinArrivedPredictions(now = Date.now()): Promise<number> {
    // On SQLite every transaction runs alone on one connection, so the one storing the second of an
    // event and its prediction always sees the first: there is nothing to catch, and the sweep of
    // every recent pending event was 8% of the service's time under event ingest (bench/README.md).
    if (this.db.kind === 'sqlite') return 0;
    return this.db.tx((tx) => this.events.joinArrived(tx, now - RECENT_PENDING_MS));
  }

  /**
   * Runs one step of a drain in one transaction: BATCH rows on PostgreSQL, whose transactions do not
   * hold this thread; on SQLite, while reads come in, as many as fit in JOB_STEP_BUDGET_MS at the
   * cost per row measured so far, and BATCH once they have stopped (writes alone do not shrink them).
   */
  private async step(size: StepSize, work: (tx: Tx, limit: number) => Promise<number>): Promise<number> {
    const limit = size.next(readsLately());
    let started = 0;
    const rows = await this.db.tx((tx) => {
      // From BEGIN to after COMMIT: the wait for the writer before it is not the step's cost.
      started = performance.now();
      return work(tx, limit);
    });
    size.record(rows, performance.now() - started);
    return rows;
  }

  /** Applies a step's worth of new events (up to BATCH) in one transaction; returns how many it processed. */
  async applyNewEvents(now: number): Promise<number> {
    return this.step(this.steps.apply, (tx, limit) => this.applyNewEventsUpTo(tx, now, limit));
  }

  private async applyNewEventsUpTo(tx: Tx, now: number, limit: number): Promise<number> {
    const events = await this.events.newWithPredictions(tx, limit);
    const changes: EffectiveChange[] = [];
    for (const [modelName, ofModel] of groupBy(events, (e) => e.model)) {
      const model = await this.models.find(modelName);
      const states = await this.applyForModel(tx, model, ofModel, now, changes);
      for (const [state, ids] of groupBy([...states], ([, s]) => s)) {
        await this.events.setState(
          tx,
          modelName,
          ids.map(([id]) => id),
          state as EventState,
          now,
        );
        this.metrics.events.inc({ state }, ids.length);
      }
    }
    this.metrics.observeChanges(changes);
    return events.length;
  }

  private async applyForModel(tx: Tx, model: ModelEntity | null, events: NewEvent[], now: number, changes: EffectiveChange[]) {
    const states = new Map<string, EventState>();
    if (!model) {
      for (const e of events) states.set(e.id, 'no_rule');
      return states;
    }
    const rules = compileRules(model.settings.labelRules, model.settings.implicitLabel);
    const graceMs = storedDuration(model.settings.eventGrace) ?? 0;
    const predictionIds = [...new Set(events.map((e) => e.prediction_id))];
    const direct = await this.labels.bySource(tx, model.name, 'direct', predictionIds);
    const touched = new Map<string, LabelWrite>();
    const sorted = [...events].sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
    for (const e of sorted) {
      const outcome = evaluateEvent(rules, { type: e.type, ts: Number(e.ts), value: e.value }, Number(e.p_ts));
      if (outcome.kind !== 'match') {
        states.set(e.id, outcome.kind);
        continue;
      }
      // The label is final once the last window has closed: a match processed after that changes nothing.
      if (
        rules.finalAfterMs !== null &&
        now > windowCloses(rules.finalAfterMs, Number(e.p_ts), Number(e.p_received_at), graceMs)
      ) {
        states.set(e.id, 'late');
        continue;
      }
      const current = touched.get(e.prediction_id) ?? currentWrite(model.name, e.prediction_id, direct.get(e.prediction_id));
      const currentPriority = current ? ((current.rule?.priority as number | undefined) ?? null) : null;
      const evidence = [...(current?.eventIds ?? []), e.id];
      if (upgrades(currentPriority === null ? null : { priority: currentPriority }, outcome.rule)) {
        touched.set(e.prediction_id, directLabel(model.name, e.prediction_id, outcome.rule, evidence));
        states.set(e.id, 'applied');
        this.metrics.observeJoinLag('direct', now - Number(e.p_ts));
      } else {
        touched.set(e.prediction_id, { ...current!, eventIds: evidence });
        states.set(e.id, 'matched');
      }
    }
    const writes = [...touched.values()].sort((a, b) =>
      a.predictionId < b.predictionId ? -1 : a.predictionId > b.predictionId ? 1 : 0,
    );
    await this.labels.upsertMany(tx, writes, now);
    this.metrics.written.inc({ source: 'direct' }, touched.size);
    changes.push(
      ...(await this.labels.refreshEffective(tx, model.name, [...touched.keys()], model.settings.labelSourceOrder, now)),
    );
    return states;
  }

  /** Predictions whose implicit delay passed with no direct label get the implicit label. */
  async closeImplicitWindows(now: number): Promise<number> {
    return this.step(this.steps.implicit, (tx, limit) => this.closeImplicitWindowsUpTo(tx, now, limit));
  }

  private async closeImplicitWindowsUpTo(tx: Tx, now: number, limit: number): Promise<number> {
    const due = await this.predictions.takeDue(tx, 'implicit', now, limit);
    const changes: EffectiveChange[] = [];
    for (const [modelName, rows] of groupBy(due, (r) => r.model)) {
      const ids = rows.map((r) => r.id);
      const model = await this.models.find(modelName);
      const implicit = model?.settings.implicitLabel;
      if (!model || !implicit) continue;
      const direct = await this.labels.bySource(tx, modelName, 'direct', ids);
      const labelled: string[] = [];
      const writes: LabelWrite[] = [];
      for (const row of rows) {
        if (direct.has(row.id)) continue;
        writes.push({
          model: modelName,
          predictionId: row.id,
          label: implicit.label,
          source: 'implicit',
          author: '',
          authorName: `no matching event within ${implicit.after}`,
          rule: { ...implicit },
          eventIds: [],
          final: true,
        });
        labelled.push(row.id);
        this.metrics.observeJoinLag('implicit', now - Number(row.ts));
      }
      await this.labels.upsertMany(tx, writes, now);
      this.metrics.written.inc({ source: 'implicit' }, labelled.length);
      changes.push(...(await this.labels.refreshEffective(tx, modelName, labelled, model.settings.labelSourceOrder, now)));
    }
    this.metrics.observeChanges(changes);
    return due.length;
  }

  /** Predictions whose last window closed: their direct label is final. */
  async finaliseWindows(now: number): Promise<number> {
    return this.step(this.steps.final, (tx, limit) => this.finaliseWindowsUpTo(tx, now, limit));
  }

  private async finaliseWindowsUpTo(tx: Tx, now: number, limit: number): Promise<number> {
    const due = await this.predictions.takeDue(tx, 'final', now, limit);
    for (const [model, rows] of groupBy(due, (r) => r.model)) {
      await this.labels.markDirectFinal(
        tx,
        model,
        rows.map((r) => r.id),
      );
    }
    return due.length;
  }

  /** Pending events older than their model's retention are orphaned. */
  async orphanStaleEvents(now: number): Promise<number> {
    let total = 0;
    for (const model of await this.models.list()) {
      const retention = storedDuration(model.settings.eventRetention) ?? 7 * 86_400_000;
      const n = await this.db.tx((tx) => this.events.orphanPending(tx, model.name, now - retention, now));
      if (n > 0) {
        this.metrics.events.inc({ state: 'orphaned' }, n);
        this.logger.log({ model: model.name, orphaned: n }, 'events orphaned: their predictions never arrived');
      }
      total += n;
    }
    return total;
  }
}

function currentWrite(
  model: string,
  predictionId: string,
  stored: { label: string; rule: string | null; eventIds: string[]; final: boolean } | undefined,
): LabelWrite | null {
  if (!stored) return null;
  const rule = stored.rule ? (JSON.parse(stored.rule) as Record<string, unknown>) : null;
  return {
    model,
    predictionId,
    label: stored.label,
    source: 'direct',
    author: '',
    authorName: describeRule(rule),
    rule,
    eventIds: stored.eventIds,
    final: stored.final,
  };
}

function directLabel(model: string, predictionId: string, rule: CompiledRules['rules'][number], eventIds: string[]): LabelWrite {
  const stored = {
    index: rule.index,
    event: rule.event,
    label: rule.label,
    within: rule.within,
    priority: rule.priority,
    ...(rule.when ? { when: rule.when } : {}),
  };
  return {
    model,
    predictionId,
    label: rule.label,
    source: 'direct',
    author: '',
    authorName: describeRule(stored),
    rule: stored,
    eventIds,
    final: false,
  };
}

function describeRule(rule: Record<string, unknown> | null): string {
  if (!rule) return 'rule';
  const when = rule.when as { op: string; value: number } | undefined;
  return `${String(rule.event)}${when ? ` with value ${when.op} ${when.value}` : ''} within ${String(rule.within)} (priority ${String(rule.priority)})`;
}
