import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import { chunks, placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';

/** The consumer's side of the label-change outbox (the slice rollups): what is pending, and marking it done. */
@Injectable()
export class LabelOutbox {
  constructor(private readonly db: Db) {}

  async markProcessed(tx: Tx, seqs: number[], now: number): Promise<void> {
    for (const chunk of chunks(seqs)) {
      await tx.run(`UPDATE label_changes SET processed_at = ? WHERE seq IN (${placeholders(chunk.length)})`, [now, ...chunk]);
    }
  }

  /** Marks every pending change of the model processed: for a rebuild, which counts them from the rows. */
  markAllProcessed(tx: Tx, model: string, now: number): Promise<number> {
    return tx.run('UPDATE label_changes SET processed_at = ? WHERE processed_at IS NULL AND model = ?', [now, model]);
  }

  /** Outbox rows not applied yet; in the transaction when given one. */
  async countPending(model?: string, tx: Tx = this.db.direct): Promise<number> {
    const row = await tx.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM label_changes WHERE processed_at IS NULL${model === undefined ? '' : ' AND model = ?'}`,
      model === undefined ? [] : [model],
    );
    return Number(row?.n ?? 0);
  }
}
