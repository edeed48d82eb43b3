import { createHash } from 'node:crypto';
import type { ErrorDetail } from './api-error.js';
import { DATE_TIME_HINT, parseIsoDateTime } from './dates.js';

/** Shared checks of ingested rows (predictions, events): ids, timestamps, batches, hashes. */

export const MAX_BATCH = 10_000;
export const MAX_FUTURE_MS = 5 * 60_000;
// Printable: no control characters (they break logs, CSV and terminals).
// eslint-disable-next-line no-control-regex
export const ROW_ID = /^[^\s\u0000-\u001f][^\u0000-\u001f]{0,199}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Longest slice value: slice_cells.slice_value holds a cross of two, "a|b", in varchar(401). */
export const MAX_SLICE_VALUE = 200;

/** A string of 1-max characters without control characters (PostgreSQL text cannot hold NUL). */
export function isPrintable(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !CONTROL.test(value);
}

/** Epoch ms of an ISO 8601 timestamp, or an error message. */
export function parseTimestamp(value: unknown, now: number): number | string {
  const parsed = parseIsoDateTime(value);
  if (parsed === null) return DATE_TIME_HINT;
  if (parsed > now + MAX_FUTURE_MS) return 'is more than 5 minutes in the future';
  return parsed;
}

/** Reports the first few unknown fields of a row, then how many more: a row of 100,000 of them is one answer, not 100,000. */
export function unknownFields(
  row: Record<string, unknown>,
  allowed: ReadonlySet<string>,
  bad: (field: string, message: string) => void,
): void {
  let unknown = 0;
  for (const key in row) {
    if (allowed.has(key)) continue;
    if (++unknown <= 5) bad(key, 'unknown field');
  }
  if (unknown > 5) bad('', `${unknown - 5} more unknown fields`);
}

/** The rows of a body that holds one row, or {<key>: [...]} with up to MAX_BATCH. */
export function rowsOf(body: unknown, key: string, noun: string): { rows: unknown[]; problem?: ErrorDetail } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { rows: [], problem: { field: 'body', message: `send one ${noun} object or {"${key}": [...]}` } };
  }
  const b = body as Record<string, unknown>;
  if (!(key in b)) return { rows: [b] };
  const list = b[key];
  if (!Array.isArray(list)) return { rows: [], problem: { field: key, message: 'must be an array' } };
  if (Object.keys(b).length > 1) return { rows: [], problem: { field: 'body', message: `a batch has only the "${key}" field` } };
  if (list.length === 0) return { rows: [], problem: { field: key, message: `must hold at least one ${noun}` } };
  if (list.length > MAX_BATCH) {
    return { rows: [], problem: { field: key, message: `at most ${MAX_BATCH} ${noun}s per request (got ${list.length})` } };
  }
  return { rows: list };
}

/** JSON with object keys sorted, so that equal content always has the same text and hash. */
export function canonicalJson(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += JSON.stringify(keys[i]) + ':' + JSON.stringify(obj[keys[i]]);
  }
  return out + '}';
}

/** 128 bits of sha256, hex. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Whether a value is a flat object of string / finite number / boolean / null; the first bad key otherwise. */
export function firstNonFlatKey(obj: Record<string, unknown>): string | null {
  for (const key in obj) {
    const v = obj[key];
    if (typeof v === 'number' ? !Number.isFinite(v) : v !== null && typeof v !== 'string' && typeof v !== 'boolean') return key;
  }
  return null;
}

/** Rows repeated within one batch: identical ones count as duplicates, differing ones as conflicts. */
export function dedupeWithinBatch<T extends { model: string; id: string; contentHash: string }>(rows: T[]) {
  const seen = new Map<string, T>();
  const unique: T[] = [];
  const conflicts: { model: string; id: string }[] = [];
  let duplicates = 0;
  for (const row of rows) {
    const key = `${row.model}\u0000${row.id}`;
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, row);
      unique.push(row);
    } else if (earlier.contentHash === row.contentHash) duplicates++;
    else conflicts.push({ model: row.model, id: row.id });
  }
  return { unique, duplicates, conflicts };
}
