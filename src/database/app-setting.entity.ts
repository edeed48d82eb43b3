import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Process-wide values that every API process must agree on (the session secret). */
@Entity('app_settings')
export class AppSettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}
