import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { DataSource, type EntityManager } from 'typeorm';
import { advisoryLockSql, type LockKey } from './locks.js';
import { toPostgres } from './sql.js';
import { inSnapshot, postgresTx, sqliteTx, type Tx, withTx } from './tx.js';
import type { WriteTurns } from './write-turns.js';
import { countSqliteBusyRetry } from '../ops/sqlite-busy.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * The data source plus what TypeORM does not give us: plain SQL with `?` placeholders on both
 * databases, one writer at a time on SQLite (its single connection would otherwise interleave two
 * async transactions), and one cache of prepared SQLite statements.
 */
export class Db {
  readonly kind: DatabaseKind;
  private writeChain: Promise<unknown> = Promise.resolve();
  /** Prepared once: a statement per call would pin native memory until the garbage collector ran. */
  private readonly statements = new Map<string, Statement>();

  /**
   * @param turns SQLite with a job thread (JOB_RUNNER=thread): the order in which this connection and
   *   the other thread's take the write lock. Unset when this process has the file to itself.
   */
  constructor(
    readonly dataSource: DataSource,
    readonly turns?: WriteTurns,
  ) {
    this.kind = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  /** Runs a SQLite write transaction's fn when this thread's turn to write has come (see WriteTurns). */
  async inWriteTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.turns) return fn();
    await this.turns.acquire();
    try {
      return await fn();
    } finally {
      this.turns.release();
    }
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The better-sqlite3 handle (SQLite only). */
  get sqlite(): Database.Database {
    if (this.kind !== 'sqlite') throw new Error('raw SQLite handle requested on PostgreSQL');
    return (this.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
  }

  /** The SQLite statement for sql, prepared once per database. */
  prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.sqlite.prepare(sql)));
    return statement;
  }

  /**
   * Placeholder for the n-th (1-based) parameter. For tests' ad-hoc SQL only: application SQL writes
   * `?`, which query() and every Tx translate.
   */
  param(n: number): string {
    return this.kind === 'postgres' ? `$${n}` : '?';
  }

  /** Runs fn in one transaction of plain SQL; rolls back when it throws. */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return withTx(this, fn);
  }

  /** Runs fn's reads against one snapshot; with `write`, a snapshot transaction that may also write (see inSnapshot). */
  snapshot<T>(fn: (tx: Tx) => Promise<T>, options: { write?: boolean } = {}): Promise<T> {
    return inSnapshot(this, fn, options.write ?? false);
  }

  /** Runs fn in a TypeORM transaction; on SQLite, transactions are serialised in this process. */
  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') return this.dataSource.transaction(fn);
    return this.exclusive(() => this.inWriteTurn(() => this.typeormSqliteTransaction(fn)));
  }

  /**
   * TypeORM begins SQLite transactions DEFERRED: with a second connection writing (the job thread),
   * one that reads before it writes can meet SQLITE_BUSY on its first write, which no busy timeout
   * resolves. The whole transaction is then rolled back and run again, a bounded number of times.
   */
  private async typeormSqliteTransaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(fn);
      } catch (error) {
        const code =
          (error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
        if (!this.turns || attempt >= 5 || typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) throw error;
        countSqliteBusyRetry();
        await new Promise((resolve) => setTimeout(resolve, attempt * 5));
      }
    }
  }

  /** tx.advisoryLock for a TypeORM transaction's manager. */
  async advisoryLock(manager: EntityManager, key: LockKey, scope?: string): Promise<void> {
    if (this.kind !== 'postgres') return;
    const { sql, params } = advisoryLockSql(key, scope);
    await manager.query(toPostgres(sql), params);
  }

  /** Runs fn while no other write of this process is in flight (SQLite); runs it directly on PostgreSQL. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.kind === 'postgres') return Promise.resolve(fn());
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  /** Statements outside a transaction, with `?` placeholders (SQL written with $1.. passes unchanged). */
  get direct(): Tx {
    return this.kind === 'sqlite'
      ? sqliteTx(this)
      : postgresTx(async (sql, params, affected) => {
          if (!affected) return this.dataSource.query(sql, params);
          const runner = this.dataSource.createQueryRunner();
          try {
            return await runner.query(sql, params, true);
          } finally {
            await runner.release();
          }
        });
  }

  /** A read outside a transaction, with `?` placeholders. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  /** True when the database answers. */
  async ping(): Promise<boolean> {
    return (await this.query<{ ok: number }>('SELECT 1 AS ok')).length === 1;
  }
}
