import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Behaviour events, labels with provenance, the label-change outbox, and label state on predictions. */
export class Labels1764160000000 implements MigrationInterface {
  name = 'Labels1764160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE ADD COLUMN on both databases: TypeORM's addColumn rebuilds SQLite tables.
    for (const column of [
      'implicit_at bigint',
      'final_at bigint',
      'effective_label varchar(200)',
      'effective_source varchar(16)',
      'labeled_at bigint',
    ]) {
      await queryRunner.query(`ALTER TABLE predictions ADD COLUMN ${column}`);
    }
    await queryRunner.createIndex(
      'predictions',
      new TableIndex({ name: 'idx_predictions_implicit_at', columnNames: ['implicit_at'] }),
    );
    await queryRunner.createIndex('predictions', new TableIndex({ name: 'idx_predictions_final_at', columnNames: ['final_at'] }));
    await queryRunner.createTable(
      new Table({
        name: 'events',
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'prediction_id', type: 'varchar', length: '200' },
          { name: 'type', type: 'varchar', length: '100' },
          { name: 'ts', type: 'bigint' },
          { name: 'value', type: 'double precision', isNullable: true },
          { name: 'attributes', type: 'text', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'content_hash', type: 'varchar', length: '32' },
          { name: 'received_at', type: 'bigint' },
          { name: 'processed_at', type: 'bigint', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_events_prediction', columnNames: ['model', 'prediction_id'] }),
          new TableIndex({ name: 'idx_events_state', columnNames: ['state', 'received_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'labels',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'prediction_id', type: 'varchar', length: '200' },
          { name: 'label', type: 'varchar', length: '200' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'author', type: 'varchar', length: '100' },
          { name: 'author_name', type: 'varchar', length: '200' },
          { name: 'rule', type: 'text', isNullable: true },
          { name: 'event_ids', type: 'text' },
          { name: 'final', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_labels_unique',
            columnNames: ['model', 'prediction_id', 'source', 'author'],
            isUnique: true,
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'label_changes',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'prediction_id', type: 'varchar', length: '200' },
          { name: 'old_label', type: 'varchar', length: '200', isNullable: true },
          { name: 'old_source', type: 'varchar', length: '16', isNullable: true },
          { name: 'new_label', type: 'varchar', length: '200', isNullable: true },
          { name: 'new_source', type: 'varchar', length: '16', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'processed_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_label_changes_pending', columnNames: ['processed_at', 'seq'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('label_changes');
    await queryRunner.dropTable('labels');
    await queryRunner.dropTable('events');
    await queryRunner.dropIndex('predictions', 'idx_predictions_final_at');
    await queryRunner.dropIndex('predictions', 'idx_predictions_implicit_at');
    for (const column of ['labeled_at', 'effective_source', 'effective_label', 'final_at', 'implicit_at']) {
      await queryRunner.query(`ALTER TABLE predictions DROP COLUMN ${column}`);
    }
  }
}
