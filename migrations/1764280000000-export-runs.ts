import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The run that last claimed an export: only it may finish the export (export-runner.ts). */
export class ExportRuns1764280000000 implements MigrationInterface {
  name = 'ExportRuns1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE ADD COLUMN on both databases: TypeORM's addColumn rebuilds SQLite tables.
    await queryRunner.query('ALTER TABLE exports ADD COLUMN run_token varchar(32)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE exports DROP COLUMN run_token');
  }
}
