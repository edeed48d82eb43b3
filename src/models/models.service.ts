import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '../common/api-error.js';
import type { ModelEntity } from './model.entity.js';
import { checkModelDefinition } from './model-settings.js';
import { settingsFrom, type UpsertModelDto } from './models.dto.js';
import { ModelsRepository } from './models.repository.js';

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** How long a process trusts its cached copy of a model that another process may have changed. */
const CACHE_MS = 2000;
/** Entries the cache keeps (the oldest go first), so that requests naming many models cannot grow it. */
export const MODEL_CACHE_MAX = 1000;

@Injectable()
export class ModelsService {
  private readonly cache = new Map<string, { model: ModelEntity | null; at: number }>();

  constructor(private readonly repository: ModelsRepository) {}

  /** The model by name, from a short-lived cache (ingest looks it up on every request). */
  async find(name: string): Promise<ModelEntity | null> {
    return (await this.findMany([name])).get(name) ?? null;
  }

  /**
   * The registered models among these names, with one query for those not cached. A name that
   * cannot be a model's is not looked up at all.
   */
  async findMany(names: Iterable<string>): Promise<Map<string, ModelEntity>> {
    const now = Date.now();
    const found = new Map<string, ModelEntity>();
    const missing: string[] = [];
    for (const name of new Set(names)) {
      if (!MODEL_NAME.test(name)) continue;
      const hit = this.cache.get(name);
      if (hit && now - hit.at < CACHE_MS) {
        if (hit.model) found.set(name, hit.model);
      } else missing.push(name);
    }
    if (missing.length === 0) return found;
    const loaded = new Map((await this.repository.findByNames(missing)).map((m) => [m.name, m]));
    for (const name of missing) {
      const model = loaded.get(name) ?? null;
      this.remember(name, model);
      if (model) found.set(name, model);
    }
    return found;
  }

  private remember(name: string, model: ModelEntity | null): void {
    this.cache.delete(name);
    if (this.cache.size >= MODEL_CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(name, { model, at: Date.now() });
  }

  /** How many names the cache holds (for tests of its bound). */
  get cachedNames(): number {
    return this.cache.size;
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
    this.remember(name, saved.model);
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
