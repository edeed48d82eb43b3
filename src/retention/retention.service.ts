import { Injectable } from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service.js';
import { AppConfig } from '../config/config.js';
import { EventsService } from '../events/events.service.js';
import { ExportsService } from '../exports/exports.service.js';
import { LabelOutbox } from '../labels/label-outbox.repository.js';
import { cutoff, type RetentionPolicy, retentionPolicy } from './retention-policy.js';
import { backgroundTurn } from '../jobs/background-turns.js';

/** Rows deleted per transaction: each holds the writer (SQLite) or its row locks (PostgreSQL) briefly. */
export const RETENTION_CHUNK = 1000;

export interface RetentionResult {
  exports: number;
  exportFilesSwept: number;
  outbox: number;
  notifications: number;
  orphanedEvents: number;
}

/**
 * Deletes what is past its retention: finished exports (row, file, manifest), label-change outbox
 * rows every consumer has applied, delivered webhook notifications, orphaned events. Each table's
 * delete is its owner's; this only says when, in bounded chunks.
 */
@Injectable()
export class RetentionService {
  readonly policy: RetentionPolicy;

  constructor(
    config: AppConfig,
    private readonly exports: ExportsService,
    private readonly outbox: LabelOutbox,
    private readonly alerts: AlertsService,
    private readonly events: EventsService,
  ) {
    this.policy = retentionPolicy(config);
  }

  async run(now = Date.now()): Promise<RetentionResult> {
    const p = this.policy;
    const exportsBefore = cutoff(p.exports, now);
    const exports = exportsBefore === null ? 0 : await this.exports.purgeFinishedBefore(exportsBefore);
    const exportFilesSwept = (await this.exports.sweepFiles()).length;
    return {
      exports,
      exportFilesSwept,
      outbox: await inChunks(cutoff(p.outbox, now), (before, limit) => this.outbox.deleteProcessedBefore(before, limit)),
      notifications: await inChunks(cutoff(p.notifications, now), (before, limit) =>
        this.alerts.deleteDeliveredNotificationsBefore(before, limit),
      ),
      orphanedEvents: await inChunks(cutoff(p.orphanedEvents, now), (before, limit) =>
        this.events.deleteOrphanedBefore(before, limit),
      ),
    };
  }
}

/** Calls a bounded delete until it deletes less than a chunk, letting other work in between. */
async function inChunks(before: number | null, remove: (before: number, limit: number) => Promise<number>): Promise<number> {
  if (before === null) return 0;
  let total = 0;
  for (;;) {
    const n = await remove(before, RETENTION_CHUNK);
    total += n;
    if (n < RETENTION_CHUNK) return total;
    await backgroundTurn();
  }
}
