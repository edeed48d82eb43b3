import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { toPostgres } from './sql.js';

/**
 * A transaction with plain SQL, written once for both databases: `?` placeholders (rewritten to
 * $1.. on PostgreSQL), and the same INSERT .. ON CONFLICT / RETURNING syntax that both understand.
 */
export interface Tx {
  readonly kind: 'sqlite' | 'postgres';
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  run(sql: string, params?: unknown[]): Promise<number>;
}

const statementCache = new WeakMap<object, Map<string, Statement>>();

function sqliteStatement(db: Db, sql: string): Statement {
  const handle = db.sqlite;
  let cache = statementCache.get(handle);
  if (!cache) statementCache.set(handle, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = handle.prepare(sql)));
  return statement;
}

function sqliteTx(db: Db): Tx {
  return {
    kind: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => {
      const s = sqliteStatement(db, sql);
      return (s.reader ? s.all(params) : (s.run(params), [])) as T[];
    },
    get: async <T>(sql: string, params: unknown[] = []) => sqliteStatement(db, sql).get(params) as T | undefined,
    run: async (sql: string, params: unknown[] = []) => sqliteStatement(db, sql).run(params).changes,
  };
}

/** Runs fn in one transaction; rolls back when it throws. */
export async function withTx<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.kind === 'sqlite') {
    return db.exclusive(async () => {
      const handle = db.sqlite;
      handle.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(sqliteTx(db));
        handle.exec('COMMIT');
        return result;
      } catch (error) {
        if (handle.inTransaction) handle.exec('ROLLBACK');
        throw error;
      }
    });
  }
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const tx: Tx = {
      kind: 'postgres',
      all: async <T>(sql: string, params: unknown[] = []) => (await runner.query(toPostgres(sql), params)) as T[],
      get: async <T>(sql: string, params: unknown[] = []) => ((await runner.query(toPostgres(sql), params)) as T[])[0],
      run: async (sql: string, params: unknown[] = []) => {
        const result = (await runner.query(toPostgres(sql), params, true)) as { affected?: number };
        return result.affected ?? 0;
      },
    };
    const result = await fn(tx);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
