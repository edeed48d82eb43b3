import { faultOf } from '../common/faults.js';
import type { DatabaseKind } from './db.js';
import { placeholders } from './sql.js';
import type { Tx } from './tx.js';

/** The few places where SQLite and PostgreSQL need different SQL. Everything else is shared. */

type On = { readonly kind: DatabaseKind };

/** Locks the selected rows until the transaction ends (PostgreSQL); SQLite's writer lock already holds them. */
export function lockRows(on: On, of?: string): string {
  return on.kind === 'postgres' ? ` FOR UPDATE${of ? ` OF ${of}` : ''}` : '';
}

/** Row locking for "take the first free rows": other transactions skip the rows this one holds. */
export function skipLocked(on: On, of?: string): string {
  return on.kind === 'postgres' ? `${lockRows(on, of)} SKIP LOCKED` : '';
}

/** `key` of the JSON text in `column`, as text (a key without `"`: SQLite paths cannot escape it). */
export function jsonText(on: On, column: string, key: string): { sql: string; params: unknown[] } {
  return on.kind === 'sqlite'
    ? { sql: `json_extract(${column}, ?)`, params: [`$."${key}"`] }
    : { sql: `(${column}::jsonb ->> ?::text)`, params: [key] };
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

export async function predictionAddresses(tx: Tx): Promise<AddressSpace> {
  if (tx.kind === 'sqlite') {
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

/** True for PostgreSQL's "could not serialize access" (a snapshot transaction lost a race and may be retried). */
/**
 * A failure of the database rather than of the rows at hand (unavailable, a serialisation failure,
 * a deadlock): worth retrying as it is, and never counted against an outbox row.
 */
export function isTransientFailure(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const deadlock = e?.code === '40P01' || e?.driverError?.code === '40P01';
  return faultOf(error) !== null || isSerializationFailure(error) || deadlock;
}

export function isSerializationFailure(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return e?.code === '40001' || e?.driverError?.code === '40001';
}
