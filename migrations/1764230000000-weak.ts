import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Labeling functions, their sparse votes, the pending queue, fit state and runs. */
export class Weak1764230000000 implements MigrationInterface {
  name = 'Weak1764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const model = { name: 'model', type: 'varchar', length: '100', isPrimary: true };
    const predictionId = { name: 'prediction_id', type: 'varchar', length: '200', isPrimary: true };
    await queryRunner.createTable(
      new Table({
        name: 'lf_functions',
        columns: [
          model,
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'definition', type: 'text' },
          { name: 'enabled', type: 'integer' },
          { name: 'version', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'lf_votes',
        columns: [
          model,
          predictionId,
          { name: 'function_name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'label', type: 'varchar', length: '200' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [new TableIndex({ name: 'idx_lf_votes_function', columnNames: ['model', 'function_name'] })],
      }),
    );
    await queryRunner.createTable(new Table({ name: 'lf_pending', columns: [model, predictionId] }));
    await queryRunner.createTable(
      new Table({
        name: 'lf_state',
        columns: [model, { name: 'votes_changed', type: 'bigint' }, { name: 'fitted_at', type: 'bigint', isNullable: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'lf_runs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'progress', type: 'double precision' },
          { name: 'result', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'finished_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_lf_runs_model', columnNames: ['model', 'kind', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['lf_runs', 'lf_state', 'lf_pending', 'lf_votes', 'lf_functions']) await queryRunner.dropTable(table);
  }
}
