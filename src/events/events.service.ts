import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { badRequest, conflict, type ErrorDetail } from '../common/api-error.js';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { LabelMetrics } from '../labels/label-metrics.js';
import { ModelsService } from '../models/models.service.js';
import { PredictionsService } from '../predictions/predictions.service.js';
import { type EventRow, rowsOf, validateEvent } from './event-rows.js';
import { EventsRepository } from './events.repository.js';

export const LABEL_TICK_JOB = 'tick';
export const LABEL_TICK_ID = 'labels-tick';

@Injectable()
export class EventsService implements OnModuleInit {
  constructor(
    private readonly repository: EventsRepository,
    private readonly models: ModelsService,
    private readonly jobs: JobQueue,
    private readonly metrics: LabelMetrics,
    private readonly predictions: PredictionsService,
  ) {}

  onModuleInit(): void {
    this.predictions.onArrival({
      stored: (tx, predictions) => this.repository.joinEarly(tx, predictions),
      committed: () => this.requestJoinSoon(),
    });
  }

  /** Deletes up to `limit` events orphaned before `before`; for the retention job. */
  deleteOrphanedBefore(before: number, limit: number): Promise<number> {
    return this.repository.deleteOrphanedBefore(before, limit);
  }

  /** Validates and stores one event or a batch, all or nothing, then asks the join job to run. */
  async ingest(body: unknown) {
    const { rows: raw, problem } = rowsOf(body);
    if (problem) throw badRequest('invalid_body', [problem]);
    const now = Date.now();
    const names = new Set<string>();
    for (const r of raw) {
      const name = (r as { model?: unknown } | null)?.model;
      if (typeof name === 'string') names.add(name);
    }
    const known = new Set((await this.models.findMany(names)).keys());
    const errors: ErrorDetail[] = [];
    const rows: EventRow[] = [];
    for (let i = 0; i < raw.length; i++) {
      const row = validateEvent(raw[i], i, { models: known, now }, errors);
      if (row) rows.push(row);
    }
    if (errors.length > 0) {
      throw badRequest(
        `invalid_events: ${new Set(errors.map((e) => e.index)).size} of ${raw.length} rows are invalid; nothing was stored`,
        errors,
      );
    }
    const outcome = await this.repository.insertBatch(rows, now);
    if (outcome.conflicts.length > 0) {
      throw conflict('event_id_conflict: these ids are stored with different content; nothing was stored', {
        ids: outcome.conflicts,
      });
    }
    if (outcome.joined > 0) this.metrics.events.inc({ state: 'joined' }, outcome.joined);
    if (outcome.pending > 0) this.metrics.events.inc({ state: 'pending' }, outcome.pending);
    if (outcome.accepted > 0) await this.requestJoinSoon();
    return { accepted: outcome.accepted, duplicates: outcome.duplicates, joined: outcome.joined, pending: outcome.pending };
  }

  /**
   * Asks for the join without waiting on the queue: the rows are committed (the database is the
   * truth) and the join's sweep finds them anyway, so a Redis outage must not hold the request.
   */
  requestJoinSoon(): Promise<void> {
    this.requestJoin().catch((error: unknown) => new Logger('Events').warn({ err: error }, 'join request not queued'));
    return Promise.resolve();
  }

  /** Queues the join job unless one is already waiting. */
  requestJoin(): Promise<string> {
    return this.jobs.add(QueueName.Labels, LABEL_TICK_JOB, {}, { jobId: LABEL_TICK_ID, attempts: 5, backoffMs: 1000 });
  }
}
