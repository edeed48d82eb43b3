import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { AppConfig } from '../config/config.js';
import { errorMessage } from '../jobs/job-options.js';
import { MetricsService } from './metrics.service.js';
import { OpsRepository } from './ops.repository.js';

/**
 * Gauges computed on scrape from the database and the data directory: what is waiting (join
 * backlog, rollup lag, open tasks and exports) and what is left (database size, free disk).
 */
@Injectable()
export class OpsMetrics {
  private readonly logger = new Logger(OpsMetrics.name);

  constructor(metrics: MetricsService, repository: OpsRepository, config: AppConfig) {
    const logger = this.logger;
    const guarded = <L extends string>(what: string, fill: (gauge: Gauge<L>) => Promise<void>) =>
      async function (this: Gauge<L>): Promise<void> {
        try {
          await fill(this);
        } catch (error) {
          logger.warn(`cannot read ${what} for /metrics: ${errorMessage(error)}`);
        }
      };
    const secondsSince = (ms: number | null) => (ms === null ? 0 : Math.max(0, Date.now() - ms) / 1000);

    metrics.gauge(
      'relabel_event_join_backlog',
      'Events the label join has not processed yet, by state (new: prediction known; pending: not yet seen)',
      ['state'],
      guarded('the event backlog', async (gauge) => {
        const rows = await repository.eventBacklog();
        for (const state of ['new', 'pending']) gauge.set({ state }, rows.find((r) => r.state === state)?.n ?? 0);
      }),
    );
    metrics.gauge(
      'relabel_event_join_lag_seconds',
      'Age of the oldest event still waiting for the label join, by state; 0 when none waits',
      ['state'],
      guarded('the event join lag', async (gauge) => {
        const rows = await repository.eventBacklog();
        for (const state of ['new', 'pending'])
          gauge.set({ state }, secondsSince(rows.find((r) => r.state === state)?.oldest ?? null));
      }),
    );
    metrics.gauge(
      'relabel_rollup_lag_seconds',
      'Age of the oldest label change the slice rollups have not applied; 0 when the outbox is empty',
      [],
      guarded('the rollup lag', async (gauge) => gauge.set(secondsSince(await repository.oldestPendingLabelChange()))),
    );
    metrics.gauge(
      'relabel_outbox_dead_lettered',
      'Outbox rows set aside after failing OUTBOX_MAX_ATTEMPTS times, by outbox; a rebuild absorbs them',
      ['outbox'],
      guarded('the dead-lettered outbox rows', async (gauge) => {
        gauge.set({ outbox: 'label_changes' }, await repository.deadLetteredLabelChanges());
        gauge.set({ outbox: 'monitoring_pending' }, await repository.deadLetteredProfileMarkers());
      }),
    );
    metrics.gauge(
      'relabel_labeling_tasks',
      'Open labeling tasks per model: pending (not yet served) and leased (with a labeler now)',
      ['model', 'status'],
      guarded('the labeling tasks', async (gauge) => {
        gauge.reset();
        for (const row of await repository.labelingTasks()) {
          gauge.set({ model: row.model, status: 'pending' }, row.pending);
          gauge.set({ model: row.model, status: 'leased' }, row.leased);
        }
      }),
    );
    metrics.gauge(
      'relabel_exports_open',
      'Exports queued or running',
      ['status'],
      guarded('the open exports', async (gauge) => {
        const rows = await repository.openExports();
        for (const status of ['queued', 'running']) gauge.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
      }),
    );
    metrics.gauge(
      'relabel_database_size_bytes',
      'Size of the database (SQLite file pages, or pg_database_size)',
      [],
      guarded('the database size', async (gauge) => gauge.set(await repository.databaseBytes())),
    );
    const dataDir = resolve(config.DATA_DIR);
    const disk = async () => statfs(dataDir);
    metrics.gauge(
      'relabel_data_dir_free_bytes',
      'Bytes free for relabel on the file system of DATA_DIR (SQLite file, export files)',
      [],
      guarded('the free disk space', async (gauge) => {
        const fs = await disk();
        gauge.set(fs.bavail * fs.bsize);
      }),
    );
    metrics.gauge(
      'relabel_data_dir_size_bytes',
      'Size of the file system of DATA_DIR',
      [],
      guarded('the disk size', async (gauge) => {
        const fs = await disk();
        gauge.set(fs.blocks * fs.bsize);
      }),
    );
  }
}
