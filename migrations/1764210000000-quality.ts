import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Label-quality tallies: every prediction counted by its behaviour and human label, per slice and
 * time bucket; the prediction's current quality key; and the outbox carrying its old and new key.
 * Predictions stored before this migration get their cells from `rebuild`.
 */
export class Quality1764210000000 implements MigrationInterface {
  name = 'Quality1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const key = (name: string, length: string) => ({ name, type: 'varchar', length, isPrimary: true });
    await queryRunner.createTable(
      new Table({
        name: 'quality_cells',
        withoutRowid: true,
        columns: [
          key('model', '100'),
          key('grain', '4'),
          { name: 'bucket', type: 'bigint', isPrimary: true },
          key('model_version', '100'),
          key('slice_key', '201'),
          key('slice_value', '401'),
          key('predicted', '200'),
          key('b_source', '16'),
          key('b_rule', '300'),
          key('b_label', '200'),
          key('h_source', '16'),
          key('h_label', '200'),
          { name: 'n', type: 'integer' },
        ],
      }),
    );
    await queryRunner.addColumn('predictions', new TableColumn({ name: 'quality_key', type: 'text', isNullable: true }));
    await queryRunner.addColumns('label_changes', [
      new TableColumn({ name: 'old_quality', type: 'text', isNullable: true }),
      new TableColumn({ name: 'new_quality', type: 'text', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('label_changes', 'new_quality');
    await queryRunner.dropColumn('label_changes', 'old_quality');
    await queryRunner.dropColumn('predictions', 'quality_key');
    await queryRunner.dropTable('quality_cells');
  }
}
