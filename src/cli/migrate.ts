import 'reflect-metadata';
import { DataSource, MigrationExecutor } from 'typeorm';
import { dataSourceOptions } from '../database/data-source.js';
import { Db } from '../database/db.js';
import { type CliIo, cliConfig, type Env, runWhenInvoked, withAppContext } from './runner.js';

export const USAGE = `Usage: npm run migration:<command>
  run        apply pending migrations (the service also does this at start-up)
  revert     undo the last applied migration
  generate   print the SQL that would make the database match the entities: the starting point of a
             new migration under migrations/ (write it with TypeORM's Table API so it runs on SQLite
             and PostgreSQL, and add it to migrations/index.ts)
Uses DATA_DIR or DATABASE_URL, as the service does.`;

export async function main(argv: string[], env: Env, out: { write(text: string): unknown } = process.stdout): Promise<number> {
  const io: CliIo = { out: (text) => void out.write(text), err: (text) => void process.stderr.write(text) };
  const command = argv[0];
  if (command !== 'run' && command !== 'revert' && command !== 'generate') {
    io.err(`${USAGE}\n`);
    return 2;
  }
  if (command === 'run') {
    // Opening the application context applies pending migrations, as the service's start does.
    return withAppContext(env, io, [], async (app) => {
      const applied = await new MigrationExecutor(app.get(Db).dataSource).getExecutedMigrations();
      io.out(`migrations applied: ${applied.length}\n`);
      return 0;
    });
  }
  const config = cliConfig(env, io);
  if (!config) return 2;
  // revert and generate work on the schema as it is, so they open a data source that does not migrate.
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      io.out('reverted the last migration\n');
    } else {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      io.out(
        sql.upQueries.length === 0
          ? 'the database matches the entities\n'
          : `${sql.upQueries.map((q) => `${q.query};`).join('\n')}\n`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
  return 0;
}

runWhenInvoked(import.meta.url, 'migrate', (argv) => main(argv, process.env));
