import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * Tokens' session generation (a logout voids the token's session cookies). The label-change outbox's dead-letter state: failed attempts, when a row was set aside after too
 * many of them, and the last error (for operators; /health and /metrics show counts only).
 */
export class Retention1764250000000 implements MigrationInterface {
  name = 'Retention1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE ADD COLUMN on both databases: TypeORM's addColumn rebuilds SQLite tables.
    for (const column of ['attempts integer NOT NULL DEFAULT 0', 'dead_lettered_at bigint', 'last_error text']) {
      await queryRunner.query(`ALTER TABLE label_changes ADD COLUMN ${column}`);
    }
    // The pending index takes the dead-letter column before seq: the rollup's read of pending rows
    // (processed_at IS NULL AND dead_lettered_at IS NULL ORDER BY seq) stays one ordered range, and the
    // dead letters are a range of it too. (An index on dead_lettered_at alone was what SQLite's
    // planner, without statistics, chose for "dead_lettered_at IS NULL": a scan of the whole outbox
    // on every chunk.)
    await queryRunner.dropIndex('label_changes', 'idx_label_changes_pending');
    await queryRunner.createIndex(
      'label_changes',
      new TableIndex({ name: 'idx_label_changes_pending', columnNames: ['processed_at', 'dead_lettered_at', 'seq'] }),
    );
    await queryRunner.query('ALTER TABLE api_tokens ADD COLUMN session_generation integer NOT NULL DEFAULT 0');
    for (const column of ['attempts integer NOT NULL DEFAULT 0', 'dead_lettered_at bigint', 'last_error text']) {
      await queryRunner.query(`ALTER TABLE monitoring_pending ADD COLUMN ${column}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['last_error', 'dead_lettered_at', 'attempts']) {
      await queryRunner.query(`ALTER TABLE monitoring_pending DROP COLUMN ${column}`);
    }
    await queryRunner.query('ALTER TABLE api_tokens DROP COLUMN session_generation');
    await queryRunner.dropIndex('label_changes', 'idx_label_changes_pending');
    await queryRunner.createIndex(
      'label_changes',
      new TableIndex({ name: 'idx_label_changes_pending', columnNames: ['processed_at', 'seq'] }),
    );
    for (const column of ['last_error', 'dead_lettered_at', 'attempts']) {
      await queryRunner.query(`ALTER TABLE label_changes DROP COLUMN ${column}`);
    }
  }
}
