import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { conflict, notFound } from '../common/api-error.js';
import { AppConfig } from '../config/config.js';
import type { Principal } from '../auth/roles.decorator.js';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { ModelsService } from '../models/models.service.js';
import { type AcknowledgementRequest, findings, unacknowledged } from './acknowledgement.js';
import type { ExportEntity } from './export.entity.js';
import { CONTENT_TYPES, exportsDir, listExportFiles, removeExportFiles } from './export-files.js';
import { errorMessage } from '../jobs/job-options.js';
import { rm } from 'node:fs/promises';
import type { ExportAcknowledgement, ExportParameters } from './export-manifest.js';
import { ExportsRepository } from './exports.repository.js';
import { ReportSource } from './report-source.js';
import type { SplitParams } from './row-policy.js';
import { MITIGATIONS, type Mitigation } from './export-row.js';

export const EXPORT_JOB = 'run';
/** Attempts before an export is marked failed for good. */
export const EXPORT_ATTEMPTS = 3;

export type ExportRequest = Omit<
  ExportParameters,
  'maxIpsWeight' | 'split' | 'mitigation' | 'mitigationChosenBy' | 'mitigationReason'
> & {
  /** null: the feedback report's recommended mitigation. */
  mitigation: Mitigation | null;
  /** validation null: the model's exports.validationFraction. */
  split: Omit<SplitParams, 'validation'> & { validation: number | null };
  acknowledge: AcknowledgementRequest;
};

export interface ExportDownload {
  fileName: string;
  contentType: string;
  bytes: number;
  stream: NodeJS.ReadableStream;
}

export function exportJobId(id: string): string {
  return `export:${id}`;
}

/** Finished exports removed per look-up by the retention job. */
const PURGE_PAGE = 100;

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly models: ModelsService,
    private readonly reports: ReportSource,
    private readonly exports: ExportsRepository,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Runs the feedback report over the export's window; refuses (409, report in details) while a
   * finding is not acknowledged, else records the request and queues the job.
   */
  async request(modelName: string, request: ExportRequest, by: Principal): Promise<ExportEntity> {
    const model = await this.models.require(modelName);
    const report = await this.reports.report(model.name, {
      from: request.from === null ? null : Date.parse(request.from),
      to: request.to === null ? null : Date.parse(request.to),
      version: request.versions.length === 1 ? request.versions[0] : null,
    });
    const missing = unacknowledged(report, request.acknowledge);
    if (missing.length > 0) {
      throw conflict('unacknowledged_findings', {
        report,
        unacknowledged: missing.map((c) => ({ name: c.name, severity: c.severity })),
        hint: 'send acknowledgeWarnings: true for warn findings and acknowledgeBlocking: true for block findings',
      });
    }
    const acknowledged = findings(report);
    const now = Date.now();
    const acknowledgement: ExportAcknowledgement | null =
      acknowledged.length === 0
        ? null
        : {
            by: { tokenId: by.tokenId, name: by.name },
            at: new Date(now).toISOString(),
            checks: acknowledged.map((c) => ({ name: c.name, severity: c.severity, value: c.value, threshold: c.threshold })),
          };
    const { acknowledge: _, ...parameters } = request;
    const recommended = report.recommendation;
    const chosen =
      request.mitigation === null
        ? {
            mitigation: MITIGATIONS.find((m) => m === recommended?.mitigation) ?? 'none',
            mitigationChosenBy: 'recommendation' as const,
            mitigationReason: recommended?.reason ?? 'the report recommended nothing: no mitigation',
          }
        : { mitigation: request.mitigation, mitigationChosenBy: 'request' as const, mitigationReason: null };
    const entry: ExportEntity = {
      id: randomUUID(),
      model: model.name,
      format: request.format,
      status: 'queued',
      parameters: {
        ...parameters,
        ...chosen,
        split: { ...request.split, validation: request.split.validation ?? model.settings.exports.validationFraction },
        maxIpsWeight: model.settings.exports.maxIpsWeight,
      },
      report,
      acknowledgement,
      requestedBy: by.name,
      progress: 0,
      error: null,
      createdAt: now,
      startedAt: null,
      runToken: null,
      finishedAt: null,
      manifest: null,
    };
    await this.exports.insert(entry);
    await this.enqueue(entry.id);
    return entry;
  }

  enqueue(id: string): Promise<string> {
    return this.jobs.add(QueueName.Exports, EXPORT_JOB, { id }, { jobId: exportJobId(id), attempts: EXPORT_ATTEMPTS });
  }

  async get(id: string): Promise<ExportEntity> {
    const entry = await this.exports.find(id);
    if (!entry) throw notFound('export_not_found');
    return entry;
  }

  async list(modelName: string, limit = 50): Promise<ExportEntity[]> {
    const model = await this.models.require(modelName);
    return this.exports.listForModel(model.name, limit);
  }

  async download(id: string): Promise<ExportDownload> {
    const entry = await this.get(id);
    if (entry.status !== 'done' || !entry.manifest) throw conflict('export_not_ready', { status: entry.status });
    const path = join(exportsDir(this.config.DATA_DIR), entry.manifest.file);
    if (!existsSync(path)) throw notFound('export_file_missing');
    return {
      fileName: `${entry.model}-${entry.manifest.file}`,
      contentType: CONTENT_TYPES[entry.manifest.format],
      bytes: entry.manifest.bytes,
      stream: createReadStream(path),
    };
  }

  async unfinishedIds(): Promise<string[]> {
    return this.exports.unfinishedIds();
  }

  /**
   * Removes a finished export: its row (and with it the manifest the API shows), then its file and
   * manifest file. 409 while it is queued or running. A crash between the two leaves files that no
   * row names, which `sweepFiles` removes; no client ever sees a row without its file.
   */
  async remove(id: string): Promise<void> {
    const entry = await this.get(id);
    if (entry.status === 'queued' || entry.status === 'running') throw conflict('export_not_finished', { status: entry.status });
    if (!(await this.exports.deleteFinished(id))) throw notFound('export_not_found');
    await this.removeFiles(id, entry.format);
  }

  /** Removes every export that finished before `before`, a page of rows at a time; returns how many. */
  async purgeFinishedBefore(before: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const page = await this.exports.finishedBefore(before, PURGE_PAGE);
      for (const { id, format } of page) {
        if (!(await this.exports.deleteFinished(id))) continue;
        await this.removeFiles(id, format);
        removed += 1;
      }
      if (page.length < PURGE_PAGE) return removed;
    }
  }

  /**
   * Removes export files that no row names (left by a crash during a removal) and ".partial" files
   * of exports that are finished (left by a run killed mid-write); returns the names removed.
   */
  async sweepFiles(): Promise<string[]> {
    const dir = exportsDir(this.config.DATA_DIR);
    const files = await listExportFiles(dir);
    const statuses = await this.exports.statusesOf([...new Set(files.map((f) => f.id))]);
    const removed: string[] = [];
    for (const file of files) {
      const status = statuses.get(file.id);
      const stray = status === undefined || (file.partial && (status === 'done' || status === 'failed'));
      if (!stray) continue;
      await rm(join(dir, file.name), { force: true });
      removed.push(file.name);
    }
    return removed;
  }

  private async removeFiles(id: string, format: string): Promise<void> {
    try {
      await removeExportFiles(exportsDir(this.config.DATA_DIR), id, format);
    } catch (error) {
      // The row is gone already; the next sweep removes what is left.
      this.logger.warn(`export ${id}: files not removed yet: ${errorMessage(error)}`);
    }
  }
}
