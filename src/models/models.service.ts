import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '../common/api-error.js';
import type { ModelEntity } from './model.entity.js';
import { checkModelDefinition } from './model-settings.js';
import { settingsFrom, type UpsertModelDto } from './models.dto.js';
import { ModelsRepository } from './models.repository.js';

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** How long a process trusts its cached copy of a model that another process may have changed. */
const CACHE_MS = 2000;

@Injectable()
export class ModelsService {
  private readonly cache = new Map<string, { model: ModelEntity | null; at: number }>();

  constructor(private readonly repository: ModelsRepository) {}

  /** The model by name, from a short-lived cache (ingest looks it up on every request). */
  async find(name: string): Promise<ModelEntity | null> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.model;
    const model = await this.repository.findByName(name);
    this.cache.set(name, { model, at: Date.now() });
    return model;
  }

  async require(name: string): Promise<ModelEntity> {
    const model = await this.find(name);
    if (!model) throw notFound('model_not_found');
    return model;
  }

  list(): Promise<ModelEntity[]> {
    return this.repository.findAll();
  }

  async upsert(name: string, dto: UpsertModelDto): Promise<{ model: ModelEntity; created: boolean }> {
    if (!MODEL_NAME.test(name)) {
      throw badRequest('invalid_model_name', [
        { field: 'model', message: 'use 1-100 letters, digits, _ . - (starting with a letter or digit)' },
      ]);
    }
    const problems = checkModelDefinition({ ...dto, sliceKeys: dto.sliceKeys ?? [] });
    if (problems.length > 0) throw badRequest('invalid_model', problems);
    const removed = await this.removedClassesInUse(name, dto.classes);
    if (removed.length > 0 && !dto.force) {
      throw conflict('classes_in_use', {
        classes: removed,
        hint: 'stored predictions use these classes; keep them, or send "force": true to remove them anyway',
      });
    }
    const saved = await this.repository.save(
      {
        name,
        classes: dto.classes,
        sliceKeys: dto.sliceKeys ?? [],
        sliceCrosses: dto.sliceCrosses ?? [],
        featureSchema: (dto.featureSchema as ModelEntity['featureSchema']) ?? null,
        settings: settingsFrom(dto),
      },
      Date.now(),
    );
    this.cache.set(name, { model: saved.model, at: Date.now() });
    return saved;
  }

  private async removedClassesInUse(name: string, classes: string[]): Promise<string[]> {
    const existing = await this.repository.findByName(name);
    if (!existing) return [];
    const kept = new Set(classes);
    const removed = existing.classes.filter((c) => !kept.has(c));
    if (removed.length === 0) return [];
    const used = new Set(await this.repository.predictedClasses(name));
    return removed.filter((c) => used.has(c));
  }
}
