import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Active-learning batches and their labeling tasks. */
export class Labeling1764170000000 implements MigrationInterface {
  name = 'Labeling1764170000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'labeling_batches',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'size', type: 'integer' },
          { name: 'strategy', type: 'varchar', length: '32' },
          { name: 'quotas', type: 'text' },
          { name: 'audit_fraction', type: 'double precision' },
          { name: 'labels_per_item', type: 'integer' },
          { name: 'include_direct', type: 'integer' },
          { name: 'filters', type: 'text' },
          { name: 'seed', type: 'integer' },
          { name: 'outcome', type: 'text' },
          { name: 'created_by', type: 'varchar', length: '100' },
          { name: 'created_by_name', type: 'varchar', length: '200' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'idx_labeling_batches_model', columnNames: ['model', 'created_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'labeling_tasks',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'batch_id', type: 'varchar', length: '36' },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'prediction_id', type: 'varchar', length: '200' },
          { name: 'class', type: 'varchar', length: '200' },
          { name: 'reason', type: 'varchar', length: '32' },
          { name: 'score', type: 'double precision', isNullable: true },
          { name: 'queued_at', type: 'bigint' },
          { name: 'position', type: 'integer' },
          { name: 'slot', type: 'integer' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'labeler', type: 'varchar', length: '100', isNullable: true },
          { name: 'labeler_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'leased_at', type: 'bigint', isNullable: true },
          { name: 'lease_expires_at', type: 'bigint', isNullable: true },
          { name: 'completed_at', type: 'bigint', isNullable: true },
          { name: 'label', type: 'varchar', length: '200', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'idx_labeling_tasks_item_labeler',
            columnNames: ['model', 'prediction_id', 'labeler'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_labeling_tasks_queue', columnNames: ['model', 'status', 'queued_at', 'position', 'slot'] }),
          new TableIndex({ name: 'idx_labeling_tasks_expiry', columnNames: ['model', 'status', 'lease_expires_at'] }),
          new TableIndex({ name: 'idx_labeling_tasks_batch', columnNames: ['batch_id', 'status', 'position', 'slot'] }),
          new TableIndex({ name: 'idx_labeling_tasks_labeler', columnNames: ['labeler', 'status', 'completed_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('labeling_tasks');
    await queryRunner.dropTable('labeling_batches');
  }
}
