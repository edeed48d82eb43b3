import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { ModelsService } from '../models/models.service.js';
import { writeCsv } from './csv-writer.js';
import type { ExportEntity } from './export.entity.js';
import { AtomicFile, exportFileName, exportsDir, manifestFileName, removePartialFiles, writeAtomically } from './export-files.js';
import { type ExportManifest, ManifestTally, nestedColumns } from './export-manifest.js';
import {
  type ExportFormat,
  type ExportLayout,
  type ExportRow,
  exportLayout,
  flatColumns,
  type FormatWriter,
} from './export-row.js';
import { agreementCells } from './agreement-cells.js';
import { AgreementRowsRepository } from './agreement-rows.repository.js';
import { ExportRowsRepository, type RowFilter, type SourceRow } from './export-rows.repository.js';
import { LabelQualityPolicy } from './label-quality-policy.js';
import { ExportsRepository } from './exports.repository.js';
import { writeJsonl } from './jsonl-writer.js';
import { writeParquet } from './parquet-writer.js';
import { accumulate, emptyStats, needsFirstPass, type PolicyParams, type PolicyStats, rowPolicy } from './row-policy.js';

const WRITERS: Record<ExportFormat, FormatWriter> = { csv: writeCsv, jsonl: writeJsonl, parquet: writeParquet };

/** Progress reaches the database and the job at most this often. */
const PROGRESS_EVERY_MS = 200;

export type ProgressFn = (progress: number) => Promise<void>;

/**
 * Runs one export from its row to a finished file and manifest. Idempotent: a run after a crash
 * starts again from the row and overwrites the partial file, so the job can be retried freely.
 */
@Injectable()
export class ExportRunner {
  constructor(
    private readonly config: AppConfig,
    private readonly models: ModelsService,
    private readonly exports: ExportsRepository,
    private readonly rows: ExportRowsRepository,
    private readonly agreement: AgreementRowsRepository,
  ) {}

  async run(id: string, onProgress: ProgressFn = async () => undefined): Promise<void> {
    const entry = await this.exports.find(id);
    if (!entry || entry.status === 'done' || entry.status === 'failed') return;
    // Each run writes files of its own and only the latest claim may finish: a re-run of a stalled
    // job (BullMQ) no longer shares a ".partial" file with the run it replaces.
    const runToken = randomBytes(8).toString('hex');
    await this.exports.markRunning(id, Date.now(), runToken);
    let reportedAt = 0;
    const progress: ProgressFn = async (value) => {
      if (Date.now() - reportedAt < PROGRESS_EVERY_MS) return;
      reportedAt = Date.now();
      await this.exports.setProgress(id, value);
      await onProgress(value);
    };
    const model = await this.models.require(entry.model);
    const layout = exportLayout(model);
    const p = entry.parameters;
    const filter: RowFilter = {
      model: entry.model,
      from: p.from === null ? null : Date.parse(p.from),
      to: p.to === null ? null : Date.parse(p.to),
      versions: p.versions,
      labelSources: p.labelSources,
      exploreOnly: p.mitigation === 'explore_only',
    };
    const policy: PolicyParams = { mitigation: p.mitigation, split: p.split, maxIpsWeight: p.maxIpsWeight };
    const quality =
      p.mitigation === 'label_quality'
        ? new LabelQualityPolicy(
            agreementCells(await this.agreement.labelsOfHumanLabeled(filter), model.settings.labelSourceOrder, model.sliceKeys),
          )
        : null;
    const stats = await this.firstPass(filter, policy, quality);
    const cutoff = await this.validationCutoff(filter, policy, stats.rows);

    const dir = exportsDir(this.config.DATA_DIR);
    const name = exportFileName(id, p.format);
    const file = await AtomicFile.create(dir, name, runToken);
    const tally = new ManifestTally();
    try {
      const chunks = this.exportRows(filter, policy, stats, cutoff, tally, progress, quality);
      await WRITERS[p.format](chunks, layout, file.sink);
      await file.finish();
      const finished = await this.exports.finishRun(id, runToken, async () => {
        const sha256 = await file.commit();
        const manifest = this.manifest(entry, layout, name, tally, stats, file.bytes, sha256, quality);
        // The manifest goes last: a file without one (in the row and beside it) is not finished.
        await writeAtomically(dir, manifestFileName(id), JSON.stringify(manifest, null, 2), runToken);
        return { manifest, at: Date.parse(manifest.finishedAt) };
      });
      if (finished) await removePartialFiles(dir, id);
      else await file.discard();
    } catch (error) {
      await file.discard();
      throw error;
    }
  }

  async markFailed(id: string, reason: string): Promise<void> {
    await this.exports.markFailed(id, reason, Date.now());
  }

  private async firstPass(filter: RowFilter, policy: PolicyParams, quality: LabelQualityPolicy | null): Promise<PolicyStats> {
    const stats = emptyStats();
    if (!needsFirstPass(policy.mitigation)) {
      stats.rows = await this.rows.count(filter);
      return stats;
    }
    for await (const chunk of this.rows.policyRows(filter))
      for (const row of chunk) {
        accumulate(stats, row, policy);
        quality?.add({ source: row.source, label: row.label, slices: parseSlices(row.slices) });
      }
    return stats;
  }

  private async validationCutoff(filter: RowFilter, policy: PolicyParams, rows: number): Promise<number | null> {
    if (policy.split.by !== 'time') return null;
    const validationRows = Math.ceil(rows * policy.split.validation);
    if (validationRows === 0) return null;
    return this.rows.timestampAt(filter, rows - validationRows);
  }

  private async *exportRows(
    filter: RowFilter,
    policy: PolicyParams,
    stats: PolicyStats,
    cutoff: number | null,
    tally: ManifestTally,
    onProgress: ProgressFn,
    quality: LabelQualityPolicy | null,
  ): AsyncGenerator<ExportRow[]> {
    const decide = rowPolicy(policy, stats, cutoff);
    let seen = 0;
    for await (const chunk of this.rows.sourceRows(filter)) {
      const out: ExportRow[] = [];
      for (const source of chunk) {
        const decision = decide(source);
        const q = quality?.decide({ source: source.source, label: source.label, slices: parseSlices(source.slices) });
        if (!decision.keep || (q && !q.keep)) continue;
        const labeled = q ? { ...source, label: q.label, source: q.labelSource } : source;
        const row = toExportRow(labeled, q ? q.weight : decision.weight, decision.split);
        tally.add(row);
        out.push(row);
      }
      seen += chunk.length;
      yield out;
      await onProgress(stats.rows === 0 ? 1 : Math.min(1, seen / stats.rows));
    }
  }

  private manifest(
    entry: ExportEntity,
    layout: ExportLayout,
    file: string,
    tally: ManifestTally,
    stats: PolicyStats,
    bytes: number,
    sha256: string,
    quality: LabelQualityPolicy | null,
  ): ExportManifest {
    const flat = flatColumns(layout);
    return {
      id: entry.id,
      model: entry.model,
      format: entry.parameters.format,
      file,
      parameters: entry.parameters,
      report: entry.report,
      acknowledgement: entry.acknowledgement,
      rowCount: tally.rowCount,
      bytes,
      sha256,
      columns: entry.parameters.format === 'jsonl' ? nestedColumns(flat) : flat,
      counts: tally.counts,
      weights: tally.weights(entry.parameters.mitigation === 'ips_weights' ? stats.missingPropensity : 0),
      mitigation: {
        name: entry.parameters.mitigation,
        chosenBy: entry.parameters.mitigationChosenBy ?? 'request',
        reason: entry.parameters.mitigationReason ?? null,
      },
      labelQuality: quality?.summary() ?? null,
      createdAt: new Date(entry.createdAt).toISOString(),
      finishedAt: new Date().toISOString(),
    };
  }
}

function toExportRow(source: SourceRow, weight: number, split: ExportRow['split']): ExportRow {
  return {
    id: source.id,
    timestamp: source.ts,
    modelVersion: source.modelVersion,
    features: JSON.parse(source.features) as ExportRow['features'],
    label: source.label,
    labelSource: source.source,
    prediction: source.prediction,
    scores: JSON.parse(source.scores) as ExportRow['scores'],
    slices: JSON.parse(source.slices) as ExportRow['slices'],
    weight,
    split,
    labelProbability: source.weakRule ? ((JSON.parse(source.weakRule) as { probability?: number }).probability ?? null) : null,
  };
}

function parseSlices(text: string | undefined): Record<string, string> {
  return text ? (JSON.parse(text) as Record<string, string>) : {};
}
