import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { Db } from '../database/db.js';
import { ModelEntity } from './model.entity.js';
import { DEFAULT_SETTINGS } from './model-settings.js';

@Injectable()
export class ModelsRepository {
  constructor(private readonly db: Db) {}

  async findByName(name: string): Promise<ModelEntity | null> {
    const model = await this.db.manager.findOneBy(ModelEntity, { name });
    return model ? withDefaults(model) : null;
  }

  /** The models with these names, read in chunks (SQLite caps a statement's parameters). */
  async findByNames(names: string[]): Promise<ModelEntity[]> {
    const out: ModelEntity[] = [];
    for (let i = 0; i < names.length; i += 500) {
      const chunk = await this.db.manager.findBy(ModelEntity, { name: In(names.slice(i, i + 500)) });
      out.push(...chunk.map(withDefaults));
    }
    return out;
  }

  async findAll(): Promise<ModelEntity[]> {
    return (await this.db.manager.find(ModelEntity, { order: { name: 'ASC' } })).map(withDefaults);
  }

  /** The predicted classes that stored predictions of this model use. */
  async predictedClasses(model: string): Promise<string[]> {
    const rows = await this.db.query<{ prediction: string }>('SELECT DISTINCT prediction FROM predictions WHERE model = ?', [
      model,
    ]);
    return rows.map((r) => r.prediction);
  }

  /** Inserts or replaces the model, bumping its revision; returns the stored row and whether it is new. */
  save(
    model: Omit<ModelEntity, 'revision' | 'createdAt' | 'updatedAt'>,
    now: number,
  ): Promise<{ model: ModelEntity; created: boolean }> {
    return this.db.transaction(async (manager) => {
      const existing = await manager.findOneBy(ModelEntity, { name: model.name });
      const row = manager.create(ModelEntity, {
        ...model,
        revision: (existing?.revision ?? 0) + 1,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      });
      await manager.save(row);
      return { model: row, created: !existing };
    });
  }
}

/** Settings stored before a section existed read as its defaults. */
function withDefaults(model: ModelEntity): ModelEntity {
  model.settings = { ...DEFAULT_SETTINGS, ...model.settings };
  return model;
}
