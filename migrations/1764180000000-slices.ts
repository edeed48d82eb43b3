import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Slice rollup cells, fed by the label-change outbox. */
export class Slices1764180000000 implements MigrationInterface {
  name = 'Slices1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'slice_cells',
        withoutRowid: true,
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'grain', type: 'varchar', length: '4', isPrimary: true },
          { name: 'bucket', type: 'bigint', isPrimary: true },
          { name: 'model_version', type: 'varchar', length: '100', isPrimary: true },
          { name: 'slice_key', type: 'varchar', length: '201', isPrimary: true },
          { name: 'slice_value', type: 'varchar', length: '401', isPrimary: true },
          { name: 'source', type: 'varchar', length: '16', isPrimary: true },
          { name: 'actual', type: 'varchar', length: '200', isPrimary: true },
          { name: 'predicted', type: 'varchar', length: '200', isPrimary: true },
          { name: 'n', type: 'integer' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_slice_cells_series',
            columnNames: ['slice_key', 'slice_value', 'model', 'grain', 'bucket', 'n'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('slice_cells');
  }
}
