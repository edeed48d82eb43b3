import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';

/** Kept of a failed attempt's error on the row, for operators reading the table. */
const LAST_ERROR_CHARS = 500;

/** A pending row is one neither applied nor dead-lettered. */
const PENDING = 'processed_at IS NULL AND dead_lettered_at IS NULL';

/**
 * The consumer's side of the label-change outbox (the slice rollups, which apply the quality moves in
 * the same transaction): what is pending, marking it done, setting aside rows that keep failing, and
 * deleting rows every consumer has passed.
 */
@Injectable()
export class LabelOutbox {
  constructor(private readonly db: Db) {}

  async markProcessed(tx: Tx, seqs: number[], now: number): Promise<void> {
    for (const chunk of chunks(seqs)) {
      await tx.run(`UPDATE label_changes SET processed_at = ? WHERE seq IN (${placeholders(chunk.length)})`, [now, ...chunk]);
    }
  }

  /**
   * Marks every pending change of the model processed, dead-lettered ones included: for a rebuild,
   * which counts them from the rows.
   */
  markAllProcessed(tx: Tx, model: string, now: number): Promise<number> {
    return tx.run('UPDATE label_changes SET processed_at = ? WHERE processed_at IS NULL AND model = ?', [now, model]);
  }

  /** Outbox rows not applied yet (dead-lettered ones aside); in the transaction when given one. */
  async countPending(model?: string, tx: Tx = this.db.direct): Promise<number> {
    const row = await tx.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM label_changes WHERE ${PENDING}${model === undefined ? '' : ' AND model = ?'}`,
      model === undefined ? [] : [model],
    );
    return Number(row?.n ?? 0);
  }

  /** The oldest pending row's seq, or null when none is pending. */
  async oldestPendingSeq(): Promise<number | null> {
    const row = await this.db.direct.get<{ seq: number }>(`SELECT seq FROM label_changes WHERE ${PENDING} ORDER BY seq LIMIT 1`);
    return row ? Number(row.seq) : null;
  }

  /**
   * Counts a failed attempt at a pending row and keeps its error; at maxAttempts the row is
   * dead-lettered, and with it every pending change of the same prediction (applying later changes
   * without it would move the prediction out of a cell it never entered). True when dead-lettered.
   */
  recordFailure(seq: number, error: string, maxAttempts: number, now: number): Promise<boolean> {
    return this.db.tx(async (tx) => {
      await tx.run(
        `UPDATE label_changes SET attempts = attempts + 1, last_error = ?,
                dead_lettered_at = CASE WHEN attempts + 1 >= CAST(? AS integer) THEN CAST(? AS bigint) ELSE NULL END
         WHERE seq = ? AND ${PENDING}`,
        [error.slice(0, LAST_ERROR_CHARS), maxAttempts, now, seq],
      );
      const row = await tx.get<{ model: string; prediction_id: string; dead_lettered_at: number | null }>(
        'SELECT model, prediction_id, dead_lettered_at FROM label_changes WHERE seq = ?',
        [seq],
      );
      if (!row || row.dead_lettered_at === null) return false;
      await tx.run(`UPDATE label_changes SET dead_lettered_at = ? WHERE model = ? AND prediction_id = ? AND ${PENDING}`, [
        now,
        row.model,
        row.prediction_id,
      ]);
      return true;
    });
  }

  /**
   * Dead-letters every pending change of a prediction that has a dead-lettered change not yet
   * absorbed by a rebuild, in the rollup's transaction; returns how many. Reads the few dead rows
   * through their index, so it costs nothing while there are none.
   */
  async setAsideQuarantined(tx: Tx, now: number): Promise<number> {
    const rows = await tx.all<{ model: string; prediction_id: string }>(
      'SELECT DISTINCT model, prediction_id FROM label_changes WHERE dead_lettered_at IS NOT NULL AND processed_at IS NULL',
    );
    let n = 0;
    for (const r of rows) {
      n += await tx.run(`UPDATE label_changes SET dead_lettered_at = ? WHERE model = ? AND prediction_id = ? AND ${PENDING}`, [
        now,
        r.model,
        r.prediction_id,
      ]);
    }
    return n;
  }

  /** Dead-lettered rows that no rebuild has absorbed yet. */
  async countDeadLettered(): Promise<number> {
    const row = await this.db.direct.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM label_changes WHERE dead_lettered_at IS NOT NULL AND processed_at IS NULL',
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Deletes up to `limit` rows that were applied before `before` (every consumer has passed them:
   * the rollups mark a row processed in the transaction that applies it); returns how many.
   */
  deleteProcessedBefore(before: number, limit: number): Promise<number> {
    return this.db.tx((tx) =>
      tx.run(
        `DELETE FROM label_changes WHERE seq IN (
           SELECT seq FROM label_changes WHERE processed_at IS NOT NULL AND processed_at < ? ORDER BY seq LIMIT ?)`,
        [before, limit],
      ),
    );
  }
}
