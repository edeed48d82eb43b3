import { Injectable } from '@nestjs/common';
import { dedupeWithinBatch } from '../common/rows.js';
import { Db } from '../database/db.js';
import { chunks, placeholders } from '../database/sql.js';
import { type Tx, withTx } from '../database/tx.js';
import type { EventRow } from './event-rows.js';
import type { EventState } from './event.entity.js';

export interface EventInsertOutcome {
  accepted: number;
  duplicates: number;
  joined: number;
  pending: number;
  conflicts: { model: string; id: string }[];
}

class ConflictRollback extends Error {
  constructor(readonly conflicts: { model: string; id: string }[]) {
    super('conflict');
  }
}

const COLUMNS = '(model, id, prediction_id, type, ts, value, attributes, state, content_hash, received_at)';

@Injectable()
export class EventsRepository {
  constructor(private readonly db: Db) {}

  /** Stores a batch atomically; each event is `new` (its prediction is here) or `pending`. */
  async insertBatch(rows: EventRow[], receivedAt: number): Promise<EventInsertOutcome> {
    const { unique, duplicates, conflicts } = dedupeWithinBatch(rows);
    if (conflicts.length > 0) return { accepted: 0, duplicates: 0, joined: 0, pending: 0, conflicts };
    try {
      return await withTx(this.db, async (tx) => {
        const outcome: EventInsertOutcome = { accepted: 0, duplicates, joined: 0, pending: 0, conflicts: [] };
        for (const [model, ofModel] of groupBy(unique, (r) => r.model)) {
          const known = await this.existingPredictions(tx, model, [...new Set(ofModel.map((r) => r.predictionId))]);
          for (const chunk of chunks(ofModel, 400)) {
            const params: unknown[] = [];
            for (const r of chunk) {
              const state: EventState = known.has(r.predictionId) ? 'new' : 'pending';
              params.push(
                r.model,
                r.id,
                r.predictionId,
                r.type,
                r.ts,
                r.value,
                r.attributesJson,
                state,
                r.contentHash,
                receivedAt,
              );
            }
            const inserted = await tx.all<{ id: string; state: EventState }>(
              `INSERT INTO events ${COLUMNS} VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
               ON CONFLICT (model, id) DO NOTHING RETURNING id, state`,
              params,
            );
            for (const r of inserted) {
              outcome.accepted++;
              if (r.state === 'new') outcome.joined++;
              else outcome.pending++;
            }
            if (inserted.length < chunk.length) {
              const insertedIds = new Set(inserted.map((r) => r.id));
              const others = chunk.filter((r) => !insertedIds.has(r.id));
              const stored = await tx.all<{ id: string; content_hash: string }>(
                `SELECT id, content_hash FROM events WHERE model = ? AND id IN (${placeholders(others.length)})`,
                [model, ...others.map((r) => r.id)],
              );
              const hashes = new Map(stored.map((s) => [s.id, s.content_hash]));
              for (const r of others) {
                if (hashes.get(r.id) === r.contentHash) outcome.duplicates++;
                else outcome.conflicts.push({ model, id: r.id });
              }
            }
          }
        }
        if (outcome.conflicts.length > 0) throw new ConflictRollback(outcome.conflicts);
        return outcome;
      });
    } catch (error) {
      if (error instanceof ConflictRollback)
        return { accepted: 0, duplicates: 0, joined: 0, pending: 0, conflicts: error.conflicts };
      throw error;
    }
  }

  private async existingPredictions(tx: Tx, model: string, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(ids)) {
      const rows = await tx.all<{ id: string }>(
        `SELECT id FROM predictions WHERE model = ? AND id IN (${placeholders(chunk.length)})`,
        [model, ...chunk],
      );
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  async forPrediction(model: string, predictionId: string) {
    const p = this.db.param.bind(this.db);
    return this.db.query<{
      id: string;
      type: string;
      ts: number;
      value: number | null;
      attributes: string | null;
      state: EventState;
      received_at: number;
    }>(
      `SELECT id, type, ts, value, attributes, state, received_at FROM events WHERE model = ${p(1)} AND prediction_id = ${p(2)} ORDER BY ts, id`,
      [model, predictionId],
    );
  }
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
