import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * A revision per profile bucket and model version, raised by the profile job in the transaction that
 * changes the bucket: what a kept fold of a window's closed buckets is checked against
 * (profile-windows.service.ts). Existing buckets start without a row, which reads as revision 0.
 */
export class ProfileRevisions1764290000000 implements MigrationInterface {
  name = 'ProfileRevisions1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'monitoring_profile_revisions',
        withoutRowid: true,
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'grain', type: 'varchar', length: '4', isPrimary: true },
          { name: 'bucket', type: 'bigint', isPrimary: true },
          { name: 'model_version', type: 'varchar', length: '100', isPrimary: true },
          { name: 'revision', type: 'integer' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('monitoring_profile_revisions');
  }
}
