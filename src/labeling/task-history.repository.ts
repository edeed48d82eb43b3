import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { TaskStatus } from './labeling-task.entity.js';
import type { TaskReason } from './strategies.js';

export interface PredictionTask {
  id: string;
  batchId: string;
  reason: TaskReason;
  score: number | null;
  status: TaskStatus;
  labelerName: string | null;
  queuedAt: number;
  leasedAt: number | null;
  completedAt: number | null;
  label: string | null;
}

/** Reads of one prediction's labeling tasks, for its page (task writes stay in LabelingRepository). */
@Injectable()
export class TaskHistoryRepository {
  constructor(private readonly db: Db) {}

  /** The prediction's tasks in every batch, oldest first. */
  async tasksOf(model: string, predictionId: string): Promise<PredictionTask[]> {
    const rows = await this.db.query<{
      id: string;
      batch_id: string;
      reason: TaskReason;
      score: number | null;
      status: TaskStatus;
      labeler_name: string | null;
      queued_at: number | string;
      leased_at: number | string | null;
      completed_at: number | string | null;
      label: string | null;
    }>(
      `SELECT id, batch_id, reason, score, status, labeler_name, queued_at, leased_at, completed_at, label
       FROM labeling_tasks WHERE model = ? AND prediction_id = ? ORDER BY queued_at, slot`,
      [model, predictionId],
    );
    const ms = (v: number | string | null) => (v === null ? null : Number(v));
    return rows.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      reason: r.reason,
      score: r.score,
      status: r.status,
      labelerName: r.labeler_name,
      queuedAt: Number(r.queued_at),
      leasedAt: ms(r.leased_at),
      completedAt: ms(r.completed_at),
      label: r.label,
    }));
  }
}
