import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Export requests, their state and, once done, their manifests. */
export class Exports1764200000000 implements MigrationInterface {
  name = 'Exports1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'exports',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'format', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'parameters', type: 'text' },
          { name: 'report', type: 'text' },
          { name: 'acknowledgement', type: 'text', isNullable: true },
          { name: 'requested_by', type: 'varchar', length: '200' },
          { name: 'progress', type: 'double precision' },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'started_at', type: 'bigint', isNullable: true },
          { name: 'finished_at', type: 'bigint', isNullable: true },
          { name: 'manifest', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_exports_model_created', columnNames: ['model', 'created_at'] }),
          new TableIndex({ name: 'idx_exports_status', columnNames: ['status'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('exports');
  }
}
