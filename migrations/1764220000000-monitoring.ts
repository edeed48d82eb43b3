import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const PROFILE_KEY = [
  { name: 'model', type: 'varchar', length: '100', isPrimary: true },
  { name: 'slice_key', type: 'varchar', length: '201', isPrimary: true },
  { name: 'slice_value', type: 'varchar', length: '401', isPrimary: true },
  { name: 'feature', type: 'varchar', length: '200', isPrimary: true },
];

/**
 * Feature profiles and their pending-marker outbox, baselines with their profiles, calibrations for
 * the label-free estimates; and alerts learn a kind (accuracy or drift) and a feature, so that one
 * slice can hold an open accuracy alert and open drift alerts on several features at once.
 */
export class Monitoring1764220000000 implements MigrationInterface {
  name = 'Monitoring1764220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'monitoring_pending',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'ids', type: 'text' },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'monitoring_profiles',
        withoutRowid: true,
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'grain', type: 'varchar', length: '4', isPrimary: true },
          { name: 'bucket', type: 'bigint', isPrimary: true },
          { name: 'model_version', type: 'varchar', length: '100', isPrimary: true },
          ...PROFILE_KEY.slice(1),
          { name: 'n', type: 'integer' },
          { name: 'profile', type: 'text' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'monitoring_baselines',
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'is_default', type: 'integer' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'from_ts', type: 'bigint', isNullable: true },
          { name: 'to_ts', type: 'bigint', isNullable: true },
          { name: 'model_version', type: 'varchar', length: '100', isNullable: true },
          { name: 'rows', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'monitoring_baseline_profiles',
        withoutRowid: true,
        columns: [
          PROFILE_KEY[0],
          { name: 'baseline', type: 'varchar', length: '100', isPrimary: true },
          ...PROFILE_KEY.slice(1),
          { name: 'n', type: 'integer' },
          { name: 'profile', type: 'text' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'monitoring_calibrations',
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'class', type: 'varchar', length: '200', isPrimary: true },
          { name: 'n', type: 'integer' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'ece_before', type: 'double precision' },
          { name: 'ece_after', type: 'double precision' },
          { name: 'calibrator', type: 'text', isNullable: true },
          { name: 'fitted_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.dropIndex('alerts', 'idx_alerts_open');
    await queryRunner.addColumns('alerts', [
      new TableColumn({ name: 'kind', type: 'varchar', length: '16', default: "'accuracy'" }),
      new TableColumn({ name: 'feature', type: 'varchar', length: '200', default: "''" }),
    ]);
    await queryRunner.createIndex(
      'alerts',
      new TableIndex({
        name: 'idx_alerts_open',
        columnNames: ['model', 'kind', 'feature', 'slice_key', 'slice_value', 'open_slot'],
        isUnique: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('alerts', 'idx_alerts_open');
    await queryRunner.query(`DELETE FROM alerts WHERE kind <> 'accuracy'`);
    await queryRunner.dropColumn('alerts', 'feature');
    await queryRunner.dropColumn('alerts', 'kind');
    await queryRunner.createIndex(
      'alerts',
      new TableIndex({
        name: 'idx_alerts_open',
        columnNames: ['model', 'slice_key', 'slice_value', 'open_slot'],
        isUnique: true,
      }),
    );
    for (const table of [
      'monitoring_calibrations',
      'monitoring_baseline_profiles',
      'monitoring_baselines',
      'monitoring_profiles',
      'monitoring_pending',
    ])
      await queryRunner.dropTable(table);
  }
}
