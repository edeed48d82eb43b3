import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The prediction explorer's filters that a scan by time cannot serve at 1M rows (bench/explorer.ts):
 * a model version, or an effective label, found only far back (or never); and one prediction's
 * effective-label changes, for its timeline.
 */
export class Explorer1764240000000 implements MigrationInterface {
  name = 'Explorer1764240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'predictions',
      new TableIndex({ name: 'idx_predictions_version_ts', columnNames: ['model', 'model_version', 'ts'] }),
    );
    await queryRunner.createIndex(
      'predictions',
      new TableIndex({ name: 'idx_predictions_effective_ts', columnNames: ['model', 'effective_label', 'ts'] }),
    );
    await queryRunner.createIndex(
      'label_changes',
      new TableIndex({ name: 'idx_label_changes_prediction', columnNames: ['model', 'prediction_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('label_changes', 'idx_label_changes_prediction');
    await queryRunner.dropIndex('predictions', 'idx_predictions_effective_ts');
    await queryRunner.dropIndex('predictions', 'idx_predictions_version_ts');
  }
}
