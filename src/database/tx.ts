import type { Db, DatabaseKind } from './db.js';
import { isSerializationFailure, lockRows, skipLocked } from './dialect.js';
import { advisoryLockSql, type LockKey } from './locks.js';
import { withDbSpan } from '../ops/telemetry.js';
import { toPostgres } from './sql.js';

/**
 * Plain SQL, written once for both databases: `?` placeholders (rewritten to $1.. on PostgreSQL
 * here and nowhere else), and the INSERT .. ON CONFLICT / RETURNING syntax that both understand.
 */
export interface Tx {
  readonly kind: DatabaseKind;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Runs a write; returns the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** The clause that row-locks what a SELECT returns until commit (PostgreSQL; '' on SQLite, whose writer lock holds them). */
  lockRows(of?: string): string;
  /** The clause that row-locks what a SELECT returns and skips rows other transactions hold. */
  skipLocked(of?: string): string;
  /** Serialises transactions that take the same key until they end (PostgreSQL; SQLite transactions are serial already). */
  advisoryLock(key: LockKey, scope?: string): Promise<void>;
}

type Query = (sql: string, params: unknown[], affected: boolean) => Promise<unknown>;

function txOf(kind: DatabaseKind, parts: Pick<Tx, 'all' | 'get' | 'run'>): Tx {
  const tx: Tx = {
    kind,
    ...parts,
    lockRows: (of) => lockRows(tx, of),
    skipLocked: (of) => skipLocked(tx, of),
    advisoryLock: async (key, scope) => {
      if (kind !== 'postgres') return;
      const { sql, params } = advisoryLockSql(key, scope);
      await parts.all(sql, params);
    },
  };
  return tx;
}

/** SQLite statements run synchronously through the one prepared-statement cache, in or out of a transaction. */
export function sqliteTx(db: Db): Tx {
  return txOf('sqlite', {
    all: async <T>(sql: string, params: unknown[] = []) =>
      withDbSpan(sql, 'sqlite', () => {
        const s = db.prepared(sql);
        return (s.reader ? s.all(params) : (s.run(params), [])) as T[];
      }),
    get: async <T>(sql: string, params: unknown[] = []) =>
      withDbSpan(sql, 'sqlite', () => db.prepared(sql).get(params) as T | undefined),
    run: async (sql: string, params: unknown[] = []) => withDbSpan(sql, 'sqlite', () => db.prepared(sql).run(params).changes),
  });
}

/** PostgreSQL statements on one connection (a transaction's query runner, or the pool). */
export function postgresTx(query: Query): Tx {
  return txOf('postgres', {
    all: async <T>(sql: string, params: unknown[] = []) => (await query(toPostgres(sql), params, false)) as T[],
    get: async <T>(sql: string, params: unknown[] = []) => ((await query(toPostgres(sql), params, false)) as T[])[0],
    run: async (sql: string, params: unknown[] = []) =>
      ((await query(toPostgres(sql), params, true)) as { affected?: number }).affected ?? 0,
  });
}

/** Runs fn in one transaction; rolls back when it throws. `setup` runs first on PostgreSQL (isolation level). */
export async function withTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, setup?: string): Promise<T> {
  if (db.kind === 'sqlite') {
    return db.exclusive(() =>
      db.inWriteTurn(() =>
        withDbSpan('BEGIN IMMEDIATE', 'sqlite', async () => {
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
        }),
      ),
    );
  }
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    if (setup) await runner.query(setup);
    const result = await fn(
      postgresTx((sql, params, affected) => (affected ? runner.query(sql, params, true) : runner.query(sql, params))),
    );
    await runner.commitTransaction();
    return result;
  } catch (error) {
    // When the connection died (a restart), the rollback fails too: the client must hear the cause.
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release().catch(() => undefined);
  }
}

const SNAPSHOT_ATTEMPTS = 5;

/** A deferred SQLite transaction that only reads: one snapshot of the file under WAL, no write lock. */
async function readTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const handle = db.sqlite;
  handle.exec('BEGIN DEFERRED');
  try {
    return await fn(sqliteTx(db));
  } finally {
    if (handle.inTransaction) handle.exec('COMMIT');
  }
}

/**
 * fn's reads see one state of the database. PostgreSQL: a repeatable-read transaction (read-only
 * unless `write`), retried when it fails to serialise. SQLite: reads and writes share one connection
 * and a write transaction never spans an await of real I/O, so reads run outside a transaction; a
 * `write` snapshot is an ordinary (exclusive) transaction.
 */
export async function inSnapshot<T>(db: Db, fn: (tx: Tx) => Promise<T>, write: boolean): Promise<T> {
  if (db.kind === 'sqlite') {
    if (write) return withTx(db, fn);
    // With a job thread writing through a connection of its own, fn's reads need a read transaction to agree.
    return db.turns ? db.exclusive(() => readTransaction(db, fn)) : fn(sqliteTx(db));
  }
  const setup = `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ${write ? '' : ' READ ONLY'}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTx(db, fn, setup);
    } catch (error) {
      if (attempt >= SNAPSHOT_ATTEMPTS || !isSerializationFailure(error)) throw error;
    }
  }
}
