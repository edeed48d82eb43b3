import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../config/config.js';
import { dataSourceOptions, openDatabase } from '../database/data-source.js';
import { DataSource } from 'typeorm';

export const USAGE = `Usage: npm run migration:<command>
  run        apply pending migrations (the service also does this at start-up)
  revert     undo the last applied migration
  generate   print the SQL that would make the database match the entities: the starting point of a
             new migration under migrations/ (write it with TypeORM's Table API so it runs on SQLite
             and PostgreSQL, and add it to migrations/index.ts)
Uses DATA_DIR or DATABASE_URL, as the service does.`;

export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  const command = argv[0];
  if (command !== 'run' && command !== 'revert' && command !== 'generate') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(env);
  if (command === 'run') {
    const dataSource = await openDatabase(config);
    out.write(`migrations applied: ${(await dataSource.query('SELECT name FROM migrations ORDER BY id')).length}\n`);
    await dataSource.destroy();
    return 0;
  }
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      out.write('reverted the last migration\n');
    } else {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      out.write(
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
