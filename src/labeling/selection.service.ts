import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/tx.js';
import type { ModelEntity } from '../models/model.entity.js';
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
    // The audit sample is drawn first, from the whole pool, so that it stays uniform.
    const auditAsked = Math.round(request.size * request.auditFraction);
    const audit = await this.auditSample(tx, pool, auditAsked, random);
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
        },
      },
    };
  }

  /** `want` candidates with distinct feature hashes, uniformly at random from the pool. */
  private async auditSample(tx: Tx, pool: PoolSpec, want: number, random: SeededRandom): Promise<PoolRow[]> {
    for (let ask = want + Math.ceil(want / 10) + 4; want > 0; ask *= 2) {
      const { rows, exhausted } = await this.candidates.sample(tx, pool, ask, random);
      const unique = distinctHashes(rows);
      if (unique.length >= want || exhausted) return unique.slice(0, want);
    }
    return [];
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

function distinctHashes(rows: PoolRow[]): PoolRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.hash) && seen.add(row.hash));
}
