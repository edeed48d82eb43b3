import { Injectable } from '@nestjs/common';
import { In, type Repository } from 'typeorm';
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

  async unfinishedIds(): Promise<string[]> {
    const rows = await this.repo.find({ select: { id: true }, where: { status: In(['queued', 'running']) } });
    return rows.map((r) => r.id);
  }

  async markRunning(id: string, at: number): Promise<void> {
    await this.write({ id }, { status: 'running', startedAt: at, progress: 0, error: null });
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
