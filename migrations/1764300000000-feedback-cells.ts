import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The feedback report's maintained tallies (src/feedback/feedback-cells.entity.ts), filled here from
 * the rows. A prediction's label in them is the one the slice cells hold: the old label of its
 * earliest change the rollup has not applied yet (pending or dead-lettered), else its effective
 * label, so that the rollup's later moves land on the cells they leave.
 */
export class FeedbackCells1764300000000 implements MigrationInterface {
  name = 'FeedbackCells1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const key = (name: string, type: string, length?: string) => ({ name, type, length, isPrimary: true });
    await queryRunner.createTable(
      new Table({
        name: 'feedback_cells',
        withoutRowid: true,
        columns: [
          key('model', 'varchar', '100'),
          key('grain', 'varchar', '4'),
          key('bucket', 'bigint'),
          key('model_version', 'varchar', '100'),
          key('predicted', 'varchar', '200'),
          key('policy', 'varchar', '16'),
          key('missing', 'integer'),
          key('source', 'varchar', '16'),
          key('label', 'varchar', '200'),
          { name: 'n', type: 'integer' },
        ],
      }),
    );
    const rolled = `FROM predictions p
      LEFT JOIN (SELECT model, prediction_id, MIN(seq) AS seq FROM label_changes WHERE processed_at IS NULL GROUP BY model, prediction_id) f
        ON f.model = p.model AND f.prediction_id = p.id
      LEFT JOIN label_changes c ON c.seq = f.seq`;
    const label = (column: 'label' | 'source') =>
      `COALESCE(CASE WHEN c.seq IS NULL THEN p.effective_${column} ELSE c.old_${column} END, '')`;
    for (const [grain, bucket] of [
      ['hour', `(p.ts / ${HOUR_MS}) * ${HOUR_MS}`],
      ['day', `(p.ts / ${DAY_MS}) * ${DAY_MS}`],
      ['all', '0'],
    ] as const) {
      await queryRunner.query(
        `INSERT INTO feedback_cells (model, grain, bucket, model_version, predicted, policy, missing, source, label, n)
         SELECT p.model, '${grain}', ${bucket}, p.model_version, p.prediction, COALESCE(p.exposure_policy, ''),
           CASE WHEN p.propensity IS NULL THEN 1 ELSE 0 END, ${label('source')}, ${label('label')}, COUNT(*)
         ${rolled}
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('feedback_cells');
  }
}
