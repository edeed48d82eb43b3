import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * The join reads new events in (received_at, id) order, a batch at a time. The state index ended at
 * received_at, and one ingest batch's events share it, so every read joined and sorted a whole
 * ingest batch's events whatever its limit: small join batches (JOB_TX_TARGET_MS) paid that each
 * time. With id in the index, the read stops after `limit` rows.
 */
export class EventsJoinOrder1764310000000 implements MigrationInterface {
  name = 'EventsJoinOrder1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('events', 'idx_events_state');
    await queryRunner.createIndex(
      'events',
      new TableIndex({ name: 'idx_events_state', columnNames: ['state', 'received_at', 'id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('events', 'idx_events_state');
    await queryRunner.createIndex('events', new TableIndex({ name: 'idx_events_state', columnNames: ['state', 'received_at'] }));
  }
}
