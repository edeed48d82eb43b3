import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Alerts on slice accuracy, and the outbox of their webhook notifications. */
export class Alerts1764190000000 implements MigrationInterface {
  name = 'Alerts1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'alerts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'model', type: 'varchar', length: '100' },
          { name: 'slice_key', type: 'varchar', length: '201' },
          { name: 'slice_value', type: 'varchar', length: '401' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'open_slot', type: 'varchar', length: '36' },
          { name: 'reason', type: 'varchar', length: '32' },
          { name: 'message', type: 'text' },
          { name: 'details', type: 'text' },
          { name: 'recommendation', type: 'text' },
          { name: 'started_at', type: 'bigint' },
          { name: 'ended_at', type: 'bigint', isNullable: true },
          { name: 'updated_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({
            name: 'idx_alerts_open',
            columnNames: ['model', 'slice_key', 'slice_value', 'open_slot'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_alerts_model_started', columnNames: ['model', 'started_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'alert_notifications',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'alert_id', type: 'varchar', length: '36' },
          { name: 'event', type: 'varchar', length: '16' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer' },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'delivered_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_alert_notifications_due', columnNames: ['status', 'next_attempt_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('alert_notifications');
    await queryRunner.dropTable('alerts');
  }
}
