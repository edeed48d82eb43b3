import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFile } from '../../src/database/data-source.js';
import { toPostgres } from '../../src/database/sql.js';

/**
 * A test's own connection to the service's database, for looking into tables (and, rarely, setting
 * one up as a crash would leave it). SQL is written with `?` placeholders for both databases.
 * It connects on first use, so it can be made before the service has created the database.
 */
export interface Tables {
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** COUNT(*) of the rows that match `where` (SQL after WHERE), as a number on both databases. */
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseAt {
  dataDir: string;
  databaseUrl?: string;
}

interface Connection {
  all<T>(sql: string, params: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

async function connect({ dataDir, databaseUrl }: DatabaseAt): Promise<Connection> {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return {
      all: async <T>(sql: string, params: unknown[]) => (await client.query(toPostgres(sql), params)).rows as T[],
      close: () => client.end(),
    };
  }
  const sqlite = new Database(sqliteFile(dataDir), { fileMustExist: true, timeout: 10_000 });
  return {
    all: <T>(sql: string, params: unknown[]) => {
      const statement = sqlite.prepare(sql);
      if (statement.reader) return Promise.resolve(statement.all(...params) as T[]);
      statement.run(...params);
      return Promise.resolve([]);
    },
    close: () => {
      sqlite.close();
      return Promise.resolve();
    },
  };
}

export function tablesAt(at: DatabaseAt): Tables {
  let connection: Promise<Connection> | undefined;
  const open = () => (connection ??= connect(at));
  const all = async <T>(sql: string, params: unknown[] = []) => (await open()).all<T>(sql, params);
  return {
    all,
    get: async <T>(sql: string, params: unknown[] = []) => (await all<T>(sql, params))[0],
    count: async (table, where, params = []) => {
      const [row] = await all<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`,
        params,
      );
      return Number(row.n);
    },
    run: async (sql, params = []) => void (await all(sql, params)),
    close: async () => {
      const opened = connection;
      connection = undefined;
      if (opened) await (await opened).close();
    },
  };
}
