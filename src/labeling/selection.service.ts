import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/tx.js';
import type { ModelEntity } from '../models/model.entity.js';
import { type AuditDesign, type AuditRequest, equalAllocation, stratum } from './audit-design.js';
import { CandidatesRepository, type PoolRow, type PoolSpec } from './candidates.repository.js';
import type { BatchFilters, BatchOutcome } from './labeling-batch.entity.js';
import { apportion, type Candidate, type ClassCandidates, fillQuotas, type QuotaSpec, quotaShares } from './quotas.js';
import { SeededRandom } from '../common/random.js';
import { servingOrder } from './serving-order.js';
import { rankKey, type Strategy, type TaskReason } from './strategies.js';

export interface BatchRequest {
  size: number;
  strategy: Strategy;
  quotas: QuotaSpec;
  auditFraction: number;
  audit: AuditRequest;
  labelsPerItem: number;
  includeDirect: boolean;
  filters: BatchFilters;
  seed: number;
}

export interface Pick {
  predictionId: string;
  cls: string;
  reason: TaskReason;
  score: number | null;
}

export interface Selection {
  /** In serving order. */
  picks: Pick[];
  outcome: BatchOutcome;
}

/** Chooses a batch's items: a uniform audit sample, then per-class quotas of the most informative rest. */
@Injectable()
export class SelectionService {
  constructor(private readonly candidates: CandidatesRepository) {}

  async select(tx: Tx, model: ModelEntity, request: BatchRequest): Promise<Selection> {
    const random = new SeededRandom(request.seed);
    const pool: PoolSpec = { model: model.name, includeDirect: request.includeDirect, filters: request.filters };
    // The audit sample is drawn first, from its own frame (every prediction in the window without an
    // audit label), so that it stays uniform over what estimates are about.
    const auditAsked = Math.round(request.size * request.auditFraction);
    const { rows: audit, design } = await this.auditSample(tx, pool, request.audit, auditAsked, random);
    const counts = request.quotas === 'proportional' ? await this.candidates.countByClass(tx, pool) : undefined;
    const shares = quotaShares(request.quotas, model.classes, counts);
    const asked = apportion(request.size - auditAsked, shares);
    const fill = await this.fillClasses(tx, pool, request.strategy, asked, shares, audit, random);

    const auditPicks: Pick[] = audit.map((row) => ({ predictionId: row.id, cls: row.cls, reason: 'audit', score: null }));
    const classPicks: Pick[] = fill.picks.map((c) => ({
      predictionId: c.id,
      cls: c.cls,
      reason: request.strategy,
      score: c.score,
    }));
    return {
      picks: servingOrder([...classPicks, ...auditPicks], (p) => (p.reason === 'audit' ? '\u0000audit' : p.cls)),
      outcome: {
        quotas: Object.fromEntries(fill.outcomes),
        audit: {
          asked: auditAsked,
          filled: audit.length,
          shortBy: auditAsked - audit.length,
          reason: audit.length < auditAsked ? 'too_few_candidates' : null,
          design,
        },
      },
    };
  }

  /**
   * `want` predictions drawn uniformly from the audit frame (by_slice: from each value of the key,
   * equally, capped by what each value has). No feature-hash dedup: it would make items with common
   * features less likely to be drawn than others.
   */
  private async auditSample(
    tx: Tx,
    pool: PoolSpec,
    audit: AuditRequest,
    want: number,
    random: SeededRandom,
  ): Promise<{ rows: PoolRow[]; design: AuditDesign }> {
    const restricted = (key: string, value: string): PoolSpec => ({
      ...pool,
      frame: 'audit',
      filters: { ...pool.filters, slices: { ...pool.filters.slices, [key]: value } },
    });
    const frame: PoolSpec =
      audit.sliceKey !== null && audit.sliceValue !== null
        ? restricted(audit.sliceKey, audit.sliceValue)
        : { ...pool, frame: 'audit' };
    const base = { mode: audit.mode, sliceKey: audit.sliceKey, sliceValue: audit.sliceValue };
    if (audit.mode === 'uniform' || audit.sliceKey === null) {
      const population = await this.candidates.count(tx, frame);
      const { rows } = await this.candidates.sample(tx, frame, Math.min(want, population), random);
      const value = audit.sliceValue ?? '*';
      return { rows, design: { ...base, population, strata: [stratum(value, population, want, rows.length)] } };
    }
    const sizes = await this.candidates.countBySlice(tx, frame, audit.sliceKey);
    const ordered = new Map([...sizes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const allocation = equalAllocation(want, ordered);
    const rows: PoolRow[] = [];
    const strata = [];
    for (const [value, population] of ordered) {
      const asked = allocation.get(value) ?? 0;
      const drawn = asked === 0 ? [] : (await this.candidates.sample(tx, restricted(audit.sliceKey, value), asked, random)).rows;
      rows.push(...drawn);
      strata.push(stratum(value, population, asked, drawn.length));
    }
    const population = [...ordered.values()].reduce((a, b) => a + b, 0);
    return { rows, design: { ...base, population, strata } };
  }

  private async fillClasses(
    tx: Tx,
    pool: PoolSpec,
    strategy: Strategy,
    asked: Map<string, number>,
    shares: Map<string, number>,
    audit: PoolRow[],
    random: SeededRandom,
  ) {
    const auditIds = new Set(audit.map((row) => row.id));
    const usedHashes = new Set(audit.map((row) => row.hash));
    const lists = new Map<string, ClassCandidates & { read: number }>();
    const extend = async (cls: string, want: number) => {
      const list = lists.get(cls) ?? { candidates: [], exhausted: false, read: 0 };
      const toCandidate = (row: PoolRow): Candidate => ({
        id: row.id,
        cls,
        featureHash: row.hash,
        score: row.score,
        key: rankKey(strategy, row.score, random),
      });
      if (strategy === 'random') {
        // A fresh, larger sample: samples are not extended, they are redrawn.
        const sample = await this.candidates.sample(tx, pool, list.read + want, random, { cls });
        list.candidates = sample.rows.filter((r) => !auditIds.has(r.id)).map(toCandidate);
        list.candidates.sort((a, b) => a.key - b.key);
        list.read = sample.rows.length;
        list.exhausted = sample.exhausted;
      } else {
        const rows = await this.candidates.ranked(tx, pool, strategy, cls, want, list.read);
        list.candidates.push(...rows.filter((r) => !auditIds.has(r.id)).map(toCandidate));
        list.read += rows.length;
        list.exhausted = rows.length < want;
      }
      lists.set(cls, list);
    };

    for (const [cls, n] of asked) if (n > 0) await extend(cls, n + Math.ceil(n / 10) + 4);
    for (;;) {
      const result = fillQuotas(asked, shares, lists, usedHashes);
      if (result.starved.length === 0) return result;
      for (const cls of result.starved) await extend(cls, Math.max(16, lists.get(cls)?.read ?? 0));
    }
  }
}
