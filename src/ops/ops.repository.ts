import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';

export interface BacklogRow {
  state: string;
  n: number;
  oldest: number | null;
}

export interface LabelingTaskCounts {
  model: string;
  pending: number;
  leased: number;
}

/**
 * Reads behind the operational gauges, run on every scrape. Each one touches only rows still
 * waiting (through the index that has them first), never a whole table.
 */
@Injectable()
export class OpsRepository {
  constructor(private readonly db: Db) {}

  /** Events the join has not finished with: "new" (prediction known) and "pending" (prediction not yet seen). */
  async eventBacklog(): Promise<BacklogRow[]> {
    const rows = await this.db.query<{ state: string; n: number | string; oldest: number | string | null }>(
      `SELECT state, COUNT(*) AS n, MIN(received_at) AS oldest FROM events
       WHERE state IN ('new', 'pending') GROUP BY state`,
    );
    return rows.map((r) => ({ state: r.state, n: Number(r.n), oldest: r.oldest === null ? null : Number(r.oldest) }));
  }

  /** When the oldest label change still waiting for the slice rollups was written, or null when none waits. */
  async oldestPendingLabelChange(): Promise<number | null> {
    const [row] = await this.db.query<{ created_at: number | string }>(
      'SELECT created_at FROM label_changes WHERE processed_at IS NULL AND dead_lettered_at IS NULL ORDER BY seq LIMIT 1',
    );
    return row ? Number(row.created_at) : null;
  }

  /** Label changes the rollups set aside after repeated failures, not yet absorbed by a rebuild (through their index). */
  async deadLetteredLabelChanges(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM label_changes WHERE dead_lettered_at IS NOT NULL AND processed_at IS NULL',
    );
    return Number(row?.n ?? 0);
  }

  /** Profile markers set aside after repeated failures (the table holds only markers not yet profiled). */
  async deadLetteredProfileMarkers(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM monitoring_pending WHERE dead_lettered_at IS NOT NULL',
    );
    return Number(row?.n ?? 0);
  }

  /** Open labeling tasks per registered model (one index range per model and status). */
  async labelingTasks(): Promise<LabelingTaskCounts[]> {
    const rows = await this.db.query<{ model: string; pending: number | string; leased: number | string }>(
      `SELECT m.name AS model,
              (SELECT COUNT(*) FROM labeling_tasks t WHERE t.model = m.name AND t.status = 'pending') AS pending,
              (SELECT COUNT(*) FROM labeling_tasks t WHERE t.model = m.name AND t.status = 'leased') AS leased
       FROM models m ORDER BY m.name`,
    );
    return rows.map((r) => ({ model: r.model, pending: Number(r.pending), leased: Number(r.leased) }));
  }

  /** Exports not finished yet, by status. */
  async openExports(): Promise<{ status: string; n: number }[]> {
    const rows = await this.db.query<{ status: string; n: number | string }>(
      `SELECT status, COUNT(*) AS n FROM exports WHERE status IN ('queued', 'running') GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }

  /** Bytes the database takes: SQLite's pages (the main file), or PostgreSQL's pg_database_size. */
  async databaseBytes(): Promise<number> {
    const sql =
      this.db.kind === 'postgres'
        ? 'SELECT pg_database_size(current_database()) AS bytes'
        : 'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()';
    const [row] = await this.db.query<{ bytes: number | string }>(sql);
    return Number(row?.bytes ?? 0);
  }
}
