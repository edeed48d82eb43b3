import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';
// UNCERTAINTY_BUCKET_STEPS as of this migration (a later change of steps needs a migration of its own).
const SCORES = [
  { score: 'least_confidence', bucket: 'least_confidence_bucket', steps: 16 },
  { score: 'margin', bucket: 'margin_bucket', steps: 16 },
  { score: 'entropy', bucket: 'entropy_bucket', steps: 8 },
];

/**
 * Selection's three score indexes become bucket indexes (predictions/uncertainty.ts says why): the
 * bucket columns are added and backfilled with the arithmetic the ingest uses, floor(score * steps),
 * then the random-order score indexes are replaced.
 */
export class UncertaintyBuckets1764270000000 implements MigrationInterface {
  name = 'UncertaintyBuckets1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const { score, bucket, steps } of SCORES) {
      // Plain ALTER TABLE ADD COLUMN on both databases: TypeORM's addColumn rebuilds SQLite tables.
      await queryRunner.query(`ALTER TABLE predictions ADD COLUMN ${bucket} integer NOT NULL DEFAULT 0`);
      // Scores are >= 0, so truncation is floor on SQLite; both multiply the same doubles.
      const value = postgres ? `floor(${score} * ${steps})::integer` : `CAST(${score} * ${steps} AS INTEGER)`;
      await queryRunner.query(`UPDATE predictions SET ${bucket} = ${value} WHERE ${score} * ${steps} >= 1`);
      await queryRunner.dropIndex('predictions', `idx_predictions_${score}`);
      await queryRunner.createIndex(
        'predictions',
        new TableIndex({ name: `idx_predictions_${bucket}`, columnNames: ['model', 'prediction', bucket] }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { score, bucket } of SCORES) {
      await queryRunner.dropIndex('predictions', `idx_predictions_${bucket}`);
      await queryRunner.query(`ALTER TABLE predictions DROP COLUMN ${bucket}`);
      await queryRunner.createIndex(
        'predictions',
        new TableIndex({ name: `idx_predictions_${score}`, columnNames: ['model', 'prediction', score] }),
      );
    }
  }
}
