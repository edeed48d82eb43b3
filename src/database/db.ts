import type Database from 'better-sqlite3';
import { DataSource, type EntityManager } from 'typeorm';
import { toPostgres } from './sql.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * The data source plus what TypeORM does not give us: one writer at a time on SQLite (its
 * single connection would otherwise interleave two async transactions) and the raw
 * better-sqlite3 handle for the hot ingest path.
 */
export class Db {
  readonly kind: DatabaseKind;
  private writeChain: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    this.kind = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The better-sqlite3 handle (SQLite only). */
  get sqlite(): Database.Database {
    if (this.kind !== 'sqlite') throw new Error('raw SQLite handle requested on PostgreSQL');
    return (this.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
  }

  /** Placeholder for the n-th (1-based) parameter in raw SQL. */
  param(n: number): string {
    return this.kind === 'postgres' ? `$${n}` : '?';
  }

  /** Runs fn in a transaction; on SQLite, transactions are serialised in this process. */
  transaction<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'postgres') return this.dataSource.transaction(fn);
    return this.exclusive(() => this.dataSource.transaction(fn));
  }

  /** Runs fn while no other write of this process is in flight (SQLite); runs it directly on PostgreSQL. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.kind === 'postgres') return Promise.resolve(fn());
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(sql, params);
  }

  /** A read outside a transaction, written with `?` placeholders for both databases. */
  read<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(this.kind === 'postgres' ? toPostgres(sql) : sql, params);
  }
}
