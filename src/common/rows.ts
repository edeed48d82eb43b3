import { createHash } from 'node:crypto';
import type { ErrorDetail } from './api-error.js';

/** Shared checks of ingested rows (predictions, events): ids, timestamps, batches, hashes. */

export const MAX_BATCH = 10_000;
export const MAX_FUTURE_MS = 5 * 60_000;
// Printable: no control characters (they break logs, CSV and terminals).
// eslint-disable-next-line no-control-regex
export const ROW_ID = /^[^\s\u0000-\u001f][^\u0000-\u001f]{0,199}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO 8601 timestamp, or an error message. */
export function parseTimestamp(value: unknown, now: number): number | string {
  const parsed = typeof value === 'string' && ISO_8601.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(parsed)) return 'must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z';
  if (parsed > now + MAX_FUTURE_MS) return 'is more than 5 minutes in the future';
  return parsed;
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
