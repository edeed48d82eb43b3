import { Injectable } from '@nestjs/common';
import { dedupeWithinBatch } from '../common/rows.js';
import { Db } from '../database/db.js';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';
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
      return await this.db.tx(async (tx) => {
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

  /**
   * Events that arrived before their prediction wait as 'pending'; the prediction's arrival makes
   * them 'new' for the label join, by index, in the transaction that stores it.
   */
  async joinEarly(tx: Tx, predictions: { model: string; id: string }[]): Promise<void> {
    for (const [model, ofModel] of groupBy(predictions, (p) => p.model)) {
      for (const ids of chunks(ofModel.map((p) => p.id))) {
        await tx.run(
          `UPDATE events SET state = 'new' WHERE model = ? AND prediction_id IN (${placeholders(ids.length)}) AND state = 'pending'`,
          [model, ...ids],
        );
      }
    }
  }

  /** Pending events received since `since` whose prediction is stored become new; returns how many. */
  joinArrived(tx: Tx, since: number): Promise<number> {
    return tx.run(
      `UPDATE events SET state = 'new' WHERE state = 'pending' AND received_at >= ?
       AND EXISTS (SELECT 1 FROM predictions p WHERE p.model = events.model AND p.id = events.prediction_id)`,
      [since],
    );
  }

  /** Up to `limit` new events with their prediction's times, oldest first, locked and skipping those another worker holds. */
  /** True when some event waits for the join with its prediction known. */
  async hasNew(): Promise<boolean> {
    const rows = await this.db.query("SELECT 1 AS one FROM events WHERE state = 'new' LIMIT 1");
    return rows.length > 0;
  }

  newWithPredictions(tx: Tx, limit: number): Promise<NewEvent[]> {
    return tx.all<NewEvent>(
      `SELECT e.model, e.id, e.prediction_id, e.type, e.ts, e.value, p.ts AS p_ts, p.received_at AS p_received_at
       FROM events e JOIN predictions p ON p.model = e.model AND p.id = e.prediction_id
       WHERE e.state = 'new' ORDER BY e.received_at, e.id LIMIT ?${tx.skipLocked('e')}`,
      [limit],
    );
  }

  async setState(tx: Tx, model: string, ids: string[], state: EventState, now: number): Promise<void> {
    for (const chunk of chunks(ids)) {
      await tx.run(`UPDATE events SET state = ?, processed_at = ? WHERE model = ? AND id IN (${placeholders(chunk.length)})`, [
        state,
        now,
        model,
        ...chunk,
      ]);
    }
  }

  /** Pending events of the model received before `before` are orphaned; returns how many. */
  orphanPending(tx: Tx, model: string, before: number, now: number): Promise<number> {
    return tx.run(
      "UPDATE events SET state = 'orphaned', processed_at = ? WHERE state = 'pending' AND model = ? AND received_at < ?",
      [now, model, before],
    );
  }

  /** Deletes up to `limit` events orphaned before `before` (their prediction never came); returns how many. */
  deleteOrphanedBefore(before: number, limit: number): Promise<number> {
    return this.db.tx((tx) =>
      tx.run(
        `DELETE FROM events WHERE (model, id) IN (
           SELECT model, id FROM events WHERE state = 'orphaned' AND processed_at < ? ORDER BY received_at LIMIT ?)`,
        [before, limit],
      ),
    );
  }
}

export interface NewEvent {
  model: string;
  id: string;
  prediction_id: string;
  type: string;
  ts: number;
  value: number | null;
  p_ts: number;
  p_received_at: number;
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
