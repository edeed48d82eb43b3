import type { DatabaseKind } from '../database/db.js';
import { placeholders } from '../database/sql.js';
import type { Tx } from '../database/tx.js';

/** The few places where SQLite and PostgreSQL need different SQL. Everything else is shared. */

/** A condition that a prediction's slices JSON text has `key` = `value` (a key without `"`: SQLite paths cannot escape it). */
export function sliceEquals(kind: DatabaseKind, key: string, value: string): { sql: string; params: unknown[] } {
  return kind === 'sqlite'
    ? { sql: 'json_extract(p.slices, ?) = ?', params: [`$."${key}"`, value] }
    : { sql: '(p.slices::jsonb ->> ?::text) = ?', params: [key, value] };
}

/** Row locking for "take the first free row": SQLite's writer lock already makes the transaction exclusive. */
export function skipLocked(kind: DatabaseKind): string {
  return kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
}

const LOCK_SPACE = 7_243_117;

/** Serialises transactions that take the same key (PostgreSQL; SQLite transactions are serial already). */
export async function lockKey(tx: Tx, kind: DatabaseKind, key: string): Promise<void> {
  if (kind === 'postgres') await tx.all(`SELECT pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(?))`, [key]);
}

/**
 * Physical row addresses of the predictions table as integers 0..size-1 (SQLite rowids, PostgreSQL
 * (page, line) tids). Drawing addresses uniformly and keeping the rows that exist and qualify
 * samples the qualifying rows uniformly, without sorting the table by random().
 */
export interface AddressSpace {
  size: number;
  /** A condition on `p` matching the given addresses, and its parameters. */
  match(addresses: number[]): { sql: string; params: unknown[] };
  /** The select-list expression for a row's address, and how to read it back. */
  column: string;
  indexOf(raw: unknown): number;
}

export async function predictionAddresses(tx: Tx, kind: DatabaseKind): Promise<AddressSpace> {
  if (kind === 'sqlite') {
    const range = await tx.get<{ lo: number | null; hi: number | null }>(
      'SELECT min(rowid) AS lo, max(rowid) AS hi FROM predictions',
    );
    const lo = range?.lo ?? 0;
    const size = range?.hi === null || range?.hi === undefined ? 0 : range.hi - lo + 1;
    return {
      size,
      match: (addresses) => ({ sql: `p.rowid IN (${placeholders(addresses.length)})`, params: addresses.map((a) => a + lo) }),
      column: 'p.rowid',
      indexOf: (raw) => Number(raw) - lo,
    };
  }
  const shape = await tx.get<{ pages: number; block: number }>(
    "SELECT (pg_relation_size('predictions') / current_setting('block_size')::int)::int AS pages, current_setting('block_size')::int AS block",
  );
  // MaxHeapTuplesPerPage: the most line pointers a heap page can hold.
  const perPage = Math.floor(((shape?.block ?? 8192) - 24) / 28);
  return {
    size: (shape?.pages ?? 0) * perPage,
    match: (addresses) => ({
      sql: 'p.ctid = ANY(?::tid[])',
      params: [addresses.map((a) => `(${Math.floor(a / perPage)},${(a % perPage) + 1})`)],
    }),
    column: 'p.ctid::text',
    indexOf: (raw) => {
      const [page, line] = String(raw).slice(1, -1).split(',').map(Number);
      return page * perPage + line - 1;
    },
  };
}
