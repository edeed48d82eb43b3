import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Tokens, settings, the model registry and the prediction log. */
export class Foundation1764150000000 implements MigrationInterface {
  name = 'Foundation1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'app_settings',
        columns: [
          { name: 'key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'text' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'bigint' },
          { name: 'created_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'last_used_at', type: 'bigint', isNullable: true },
          { name: 'revoked_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_api_tokens_secret_hash', columnNames: ['secret_hash'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'models',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'classes', type: 'text' },
          { name: 'slice_keys', type: 'text' },
          { name: 'slice_crosses', type: 'text' },
          { name: 'feature_schema', type: 'text', isNullable: true },
          { name: 'settings', type: 'text' },
          { name: 'revision', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'predictions',
        columns: [
          { name: 'model', type: 'varchar', length: '100', isPrimary: true },
          { name: 'id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'model_version', type: 'varchar', length: '100' },
          { name: 'ts', type: 'bigint' },
          { name: 'features', type: 'text' },
          { name: 'prediction', type: 'varchar', length: '200' },
          { name: 'scores', type: 'text' },
          { name: 'slices', type: 'text' },
          { name: 'item_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'exposure_policy', type: 'varchar', length: '16', isNullable: true },
          { name: 'propensity', type: 'double precision', isNullable: true },
          { name: 'shown', type: 'integer', isNullable: true },
          { name: 'trace_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'least_confidence', type: 'double precision' },
          { name: 'margin', type: 'double precision' },
          { name: 'entropy', type: 'double precision' },
          { name: 'feature_hash', type: 'varchar', length: '32' },
          { name: 'content_hash', type: 'varchar', length: '32' },
          { name: 'received_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'idx_predictions_model_ts', columnNames: ['model', 'ts'] }),
          new TableIndex({ name: 'idx_predictions_least_confidence', columnNames: ['model', 'prediction', 'least_confidence'] }),
          new TableIndex({ name: 'idx_predictions_margin', columnNames: ['model', 'prediction', 'margin'] }),
          new TableIndex({ name: 'idx_predictions_entropy', columnNames: ['model', 'prediction', 'entropy'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('predictions');
    await queryRunner.dropTable('models');
    await queryRunner.dropTable('api_tokens');
    await queryRunner.dropTable('app_settings');
  }
}
