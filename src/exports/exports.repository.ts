import { Injectable } from '@nestjs/common';
import { In, LessThan, type Repository } from 'typeorm';
import { Db } from '../database/db.js';
import { ExportEntity, type ExportStatus } from './export.entity.js';
import type { ExportManifest } from './export-manifest.js';

/** The exports table, by intent. */
@Injectable()
export class ExportsRepository {
  private readonly repo: Repository<ExportEntity>;

  constructor(private readonly db: Db) {
    this.repo = db.manager.getRepository(ExportEntity);
  }

  async insert(row: ExportEntity): Promise<void> {
    await this.db.exclusive(() => this.repo.insert(row));
  }

  find(id: string): Promise<ExportEntity | null> {
    return this.repo.findOneBy({ id });
  }

  listForModel(model: string, limit: number): Promise<ExportEntity[]> {
    return this.repo.find({ where: { model }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }

  private async write(where: { id: string; status?: ExportStatus }, set: Partial<ExportEntity>): Promise<void> {
    await this.db.exclusive(() => this.repo.update(where, set));
  }

  /**
   * Deletes the row of a finished (done or failed) export; false when there is none (unknown, gone,
   * or not finished). The row goes before the files: once it is gone the export is a 404 everywhere.
   */
  async deleteFinished(id: string): Promise<boolean> {
    const result = await this.db.exclusive(() => this.repo.delete({ id, status: In(['done', 'failed']) }));
    return (result.affected ?? 0) > 0;
  }

  /** Up to `limit` finished exports that finished before `before`, oldest first. */
  async finishedBefore(before: number, limit: number): Promise<{ id: string; format: string }[]> {
    return this.repo.find({
      select: { id: true, format: true },
      where: { status: In(['done', 'failed']), finishedAt: LessThan(before) },
      order: { finishedAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  /** The status of each of the ids that has a row. */
  async statusesOf(ids: string[]): Promise<Map<string, ExportStatus>> {
    const out = new Map<string, ExportStatus>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.repo.find({ select: { id: true, status: true }, where: { id: In(ids.slice(i, i + 500)) } });
      for (const row of rows) out.set(row.id, row.status);
    }
    return out;
  }

  async unfinishedIds(): Promise<string[]> {
    const rows = await this.repo.find({ select: { id: true }, where: { status: In(['queued', 'running']) } });
    return rows.map((r) => r.id);
  }

  /** Claims the export for a run: a later claim supersedes this one, which then cannot finish it. */
  async markRunning(id: string, at: number, runToken: string): Promise<void> {
    await this.write({ id }, { status: 'running', startedAt: at, progress: 0, error: null, runToken });
  }

  /**
   * Finishes the export for the run that holds the latest claim: under the row's lock, `commit` puts
   * the files in place and returns the manifest, and the row is marked done in the same
   * transaction. A superseded run (or an export no longer running) gets false and must discard its
   * files; `commit` is not called then.
   */
  async finishRun(
    id: string,
    runToken: string,
    commit: () => Promise<{ manifest: ExportManifest; at: number }>,
  ): Promise<boolean> {
    return this.db.tx(async (tx) => {
      const row = await tx.get<{ run_token: string | null; status: string }>(
        `SELECT run_token, status FROM exports WHERE id = ?${tx.lockRows()}`,
        [id],
      );
      if (!row || row.status !== 'running' || row.run_token !== runToken) return false;
      const { manifest, at } = await commit();
      await tx.run("UPDATE exports SET status = 'done', progress = 1, manifest = ?, finished_at = ?, error = NULL WHERE id = ?", [
        JSON.stringify(manifest),
        at,
        id,
      ]);
      return true;
    });
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.write({ id, status: 'running' }, { progress });
  }

  async markDone(id: string, manifest: ExportManifest, at: number): Promise<void> {
    await this.write({ id }, { status: 'done', progress: 1, manifest, finishedAt: at, error: null });
  }

  async markFailed(id: string, error: string, at: number): Promise<void> {
    await this.write({ id }, { status: 'failed', error, finishedAt: at });
  }
}
