import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '../database/columns.js';
import type { FeatureSpec, ModelSettings } from './model-settings.js';

@Entity('models')
export class ModelEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', transformer: jsonText })
  classes!: string[];

  @Column({ name: 'slice_keys', type: 'text', transformer: jsonText })
  sliceKeys!: string[];

  @Column({ name: 'slice_crosses', type: 'text', transformer: jsonText })
  sliceCrosses!: [string, string][];

  @Column({ name: 'feature_schema', type: 'text', nullable: true, transformer: jsonText })
  featureSchema!: Record<string, FeatureSpec> | null;

  /** The optional sections (label rules, labeling, alerts, feedback, exports). */
  @Column({ type: 'text', transformer: jsonText })
  settings!: ModelSettings;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintNumber })
  updatedAt!: number;
}
