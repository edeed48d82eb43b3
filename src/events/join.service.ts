import { Injectable, Logger } from '@nestjs/common';
import { parseDuration } from '../common/durations.js';
import { Db } from '../database/db.js';
import { chunks, placeholders } from '../database/sql.js';
import { type Tx, withTx } from '../database/tx.js';
import { type EffectiveChange, LabelsRepository, type LabelWrite } from '../labels/labels.repository.js';
import { LabelMetrics } from '../labels/label-metrics.js';
import type { ModelEntity } from '../models/model.entity.js';
import { ModelsService } from '../models/models.service.js';
import type { EventState } from './event.entity.js';
import { groupBy } from './events.repository.js';
import { compileRules, type CompiledRules, evaluateEvent, upgrades, windowCloses } from './rules.js';

interface NewEvent {
  model: string;
  id: string;
  prediction_id: string;
  type: string;
  ts: number;
  value: number | null;
  p_ts: number;
  p_received_at: number;
}

const BATCH = 2000;
/** How far back the sweep looks for pending events whose prediction came in a concurrent transaction. */
const RECENT_PENDING_MS = 2 * 60_000;

/** Turns joined events into direct labels, closes windows into implicit labels, sweeps pending events. */
@Injectable()
export class JoinService {
  private readonly logger = new Logger(JoinService.name);

  constructor(
    private readonly db: Db,
    private readonly labels: LabelsRepository,
    private readonly models: ModelsService,
    private readonly metrics: LabelMetrics,
  ) {}

  /** One pass of everything the database shows as due. Safe to run twice, or concurrently on PostgreSQL. */
  async tick(
    now = Date.now(),
  ): Promise<{ applied: number; joinedLate: number; implicit: number; finalised: number; orphaned: number }> {
    const joinedLate = await this.joinArrivedPredictions(now);
    let applied = 0;
    for (let n = await this.applyNewEvents(now); n > 0; n = await this.applyNewEvents(now)) applied += n;
    let implicit = 0;
    for (let n = await this.closeImplicitWindows(now); n > 0; n = await this.closeImplicitWindows(now)) implicit += n;
    let finalised = 0;
    for (let n = await this.finaliseWindows(now); n > 0; n = await this.finaliseWindows(now)) finalised += n;
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
    return withTx(this.db, (tx) =>
      tx.run(
        `UPDATE events SET state = 'new' WHERE state = 'pending' AND received_at >= ?
         AND EXISTS (SELECT 1 FROM predictions p WHERE p.model = events.model AND p.id = events.prediction_id)`,
        [now - RECENT_PENDING_MS],
      ),
    );
  }

  /** Applies up to BATCH new events in one transaction; returns how many it processed. */
  async applyNewEvents(now: number): Promise<number> {
    const lock = this.db.kind === 'postgres' ? 'FOR UPDATE OF e SKIP LOCKED' : '';
    return withTx(this.db, async (tx) => {
      const events = await tx.all<NewEvent>(
        `SELECT e.model, e.id, e.prediction_id, e.type, e.ts, e.value, p.ts AS p_ts, p.received_at AS p_received_at
         FROM events e JOIN predictions p ON p.model = e.model AND p.id = e.prediction_id
         WHERE e.state = 'new' ORDER BY e.received_at, e.id LIMIT ? ${lock}`,
        [BATCH],
      );
      const changes: EffectiveChange[] = [];
      for (const [modelName, ofModel] of groupBy(events, (e) => e.model)) {
        const model = await this.models.find(modelName);
        const states = await this.applyForModel(tx, model, ofModel, now, changes);
        for (const [state, ids] of groupBy([...states], ([, s]) => s)) {
          for (const chunk of chunks(ids.map(([id]) => id))) {
            await tx.run(
              `UPDATE events SET state = ?, processed_at = ? WHERE model = ? AND id IN (${placeholders(chunk.length)})`,
              [state, now, modelName, ...chunk],
            );
          }
          this.metrics.events.inc({ state }, ids.length);
        }
      }
      this.metrics.observeChanges(changes);
      return events.length;
    });
  }

  private async applyForModel(tx: Tx, model: ModelEntity | null, events: NewEvent[], now: number, changes: EffectiveChange[]) {
    const states = new Map<string, EventState>();
    if (!model) {
      for (const e of events) states.set(e.id, 'no_rule');
      return states;
    }
    const rules = compileRules(model.settings.labelRules, model.settings.implicitLabel);
    const graceMs = parseDuration(model.settings.eventGrace) ?? 0;
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
    for (const write of writes) await this.labels.upsert(tx, write, now);
    this.metrics.written.inc({ source: 'direct' }, touched.size);
    changes.push(
      ...(await this.labels.refreshEffective(tx, model.name, [...touched.keys()], model.settings.labelSourceOrder, now)),
    );
    return states;
  }

  /** Predictions whose implicit delay passed with no direct label get the implicit label. */
  async closeImplicitWindows(now: number): Promise<number> {
    const lock = this.db.kind === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    return withTx(this.db, async (tx) => {
      const due = await tx.all<{ model: string; id: string; ts: number }>(
        `SELECT model, id, ts FROM predictions WHERE implicit_at <= ? ORDER BY implicit_at LIMIT ? ${lock}`,
        [now, BATCH],
      );
      const changes: EffectiveChange[] = [];
      for (const [modelName, rows] of groupBy(due, (r) => r.model)) {
        const ids = rows.map((r) => r.id);
        for (const chunk of chunks(ids))
          await tx.run(`UPDATE predictions SET implicit_at = NULL WHERE model = ? AND id IN (${placeholders(chunk.length)})`, [
            modelName,
            ...chunk,
          ]);
        const model = await this.models.find(modelName);
        const implicit = model?.settings.implicitLabel;
        if (!model || !implicit) continue;
        const direct = await this.labels.bySource(tx, modelName, 'direct', ids);
        const labelled: string[] = [];
        for (const row of rows) {
          if (direct.has(row.id)) continue;
          await this.labels.upsert(
            tx,
            {
              model: modelName,
              predictionId: row.id,
              label: implicit.label,
              source: 'implicit',
              author: '',
              authorName: `no matching event within ${implicit.after}`,
              rule: { ...implicit },
              eventIds: [],
              final: true,
            },
            now,
          );
          labelled.push(row.id);
          this.metrics.observeJoinLag('implicit', now - Number(row.ts));
        }
        this.metrics.written.inc({ source: 'implicit' }, labelled.length);
        changes.push(...(await this.labels.refreshEffective(tx, modelName, labelled, model.settings.labelSourceOrder, now)));
      }
      this.metrics.observeChanges(changes);
      return due.length;
    });
  }

  /** Predictions whose last window closed: their direct label is final. */
  async finaliseWindows(now: number): Promise<number> {
    const lock = this.db.kind === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    return withTx(this.db, async (tx) => {
      const due = await tx.all<{ model: string; id: string }>(
        `SELECT model, id FROM predictions WHERE final_at <= ? ORDER BY final_at LIMIT ? ${lock}`,
        [now, BATCH],
      );
      for (const [model, rows] of groupBy(due, (r) => r.model)) {
        const ids = rows.map((r) => r.id);
        await this.labels.markDirectFinal(tx, model, ids);
        for (const chunk of chunks(ids))
          await tx.run(`UPDATE predictions SET final_at = NULL WHERE model = ? AND id IN (${placeholders(chunk.length)})`, [
            model,
            ...chunk,
          ]);
      }
      return due.length;
    });
  }

  /** Pending events older than their model's retention are orphaned. */
  async orphanStaleEvents(now: number): Promise<number> {
    let total = 0;
    for (const model of await this.models.list()) {
      const retention = parseDuration(model.settings.eventRetention) ?? 7 * 86_400_000;
      const n = await withTx(this.db, (tx) =>
        tx.run(
          `UPDATE events SET state = 'orphaned', processed_at = ? WHERE state = 'pending' AND model = ? AND received_at < ?`,
          [now, model.name, now - retention],
        ),
      );
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
