import { DataType, type Field, tableFromIPC } from 'apache-arrow';
import { ParquetFile, readParquet } from 'parquet-wasm';
import type { FeatureSpec } from '../models/model-settings.js';
import { CsvError, parseCsv } from './csv.js';

/** Training rows one upload may hold, its columns, and the longest value a cell may hold. */
export const UPLOAD_LIMITS = { rows: 100_000, columns: 500, fieldLength: 10_000, cells: 5_000_000 } as const;
/** The most a Parquet file may say its data takes uncompressed: it is refused before it is decoded. */
export const PARQUET_UNCOMPRESSED_LIMIT = 256 * 1024 * 1024;

export type UploadFormat = 'csv' | 'parquet';
type Value = string | number | boolean | null;

/** Why an uploaded file cannot be read: the message names the place (line, row, column) and the problem. */
export class UploadError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export interface UploadContext {
  schema: Record<string, FeatureSpec> | null;
  sliceKeys: readonly string[];
}

/** The rows of an uploaded CSV or Parquet file as feature objects; throws UploadError before anything is stored. */
export async function uploadedRows(
  format: UploadFormat,
  bytes: Uint8Array,
  context: UploadContext,
): Promise<Record<string, Value>[]> {
  if (bytes.length === 0) throw new UploadError('file', 'is empty');
  if (format === 'csv') return csvRows(bytes, context);
  await checkParquetSize(bytes);
  return parquetRows(bytes, context);
}

/** Rows, columns and uncompressed size from the file's footer, so that a file too big is refused before it is decoded. */
async function checkParquetSize(bytes: Uint8Array): Promise<void> {
  let groups;
  try {
    groups = (await ParquetFile.fromFile(new Blob([bytes]))).metadata().rowGroups();
  } catch {
    throw new UploadError('file', 'is not a readable Parquet file');
  }
  const rows = groups.reduce((n, g) => n + g.numRows(), 0);
  const size = groups.reduce((n, g) => n + g.totalByteSize(), 0);
  if (rows > UPLOAD_LIMITS.rows) throw new UploadError('file', `has more than ${UPLOAD_LIMITS.rows} rows`);
  const columns = Math.max(0, ...groups.map((g) => g.numColumns()));
  if (columns > UPLOAD_LIMITS.columns) throw new UploadError('file', `has more than ${UPLOAD_LIMITS.columns} columns`);
  if (rows * columns > UPLOAD_LIMITS.cells)
    throw new UploadError('file', `has more than ${UPLOAD_LIMITS.cells} cells (rows × columns)`);
  if (size > PARQUET_UNCOMPRESSED_LIMIT)
    throw new UploadError('file', `holds more than ${PARQUET_UNCOMPRESSED_LIMIT / 1024 / 1024} MB of data uncompressed`);
}

function csvRows(bytes: Uint8Array, context: UploadContext): Record<string, Value>[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UploadError('file', 'is not UTF-8 text');
  }
  let records;
  try {
    records = parseCsv(text, {
      maxRecords: UPLOAD_LIMITS.rows + 1,
      maxFields: UPLOAD_LIMITS.columns,
      maxFieldLength: UPLOAD_LIMITS.fieldLength,
      maxCells: UPLOAD_LIMITS.cells,
    });
  } catch (error) {
    if (error instanceof CsvError) throw new UploadError(`line ${error.line}, field ${error.column}`, error.problem);
    throw error;
  }
  if (records.length === 0) throw new UploadError('file', 'has no header line');
  const header = records[0].fields;
  checkHeader(header);
  if (records.length === 1) throw new UploadError('file', 'has a header but no rows');
  for (let r = 1; r < records.length; r++) {
    if (records[r].fields.length !== header.length)
      throw new UploadError(
        `line ${records[r].line} (row ${r})`,
        `has ${records[r].fields.length} fields, the header ${header.length}`,
      );
  }
  const columns = header.map((name, c) =>
    typedColumn(
      name,
      records.slice(1).map((rec) => rec.fields[c]),
      context,
    ),
  );
  return records.slice(1).map((_, r) => Object.fromEntries(header.map((name, c) => [name, columns[c][r]])));
}

function checkHeader(names: readonly string[]): void {
  const seen = new Set<string>();
  names.forEach((name, c) => {
    const where = `header, column ${c + 1}`;
    if (name.trim() === '') throw new UploadError(where, 'has no name');
    if (name.length > 200) throw new UploadError(where, 'a column name longer than 200 characters');
    if (seen.has(name)) throw new UploadError(where, `"${name}" appears twice`);
    seen.add(name);
  });
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const asNumber = (s: string) => {
  const v = NUMBER.test(s.trim()) ? Number(s) : Number.NaN;
  return Number.isFinite(v) ? v : null;
};
const asBoolean = (s: string) => {
  const v = s.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : null;
};

/**
 * CSV cells typed: by the feature's spec when the schema has it, as text for slice keys, else as
 * numbers when every non-empty cell of the column is one. An empty cell is a missing value; a cell
 * that does not parse as its declared type stays text (the profile counts it as a wrong type).
 */
function typedColumn(name: string, cells: string[], { schema, sliceKeys }: UploadContext): Value[] {
  const spec = schema?.[name];
  const type =
    spec?.type ??
    (sliceKeys.includes(name) ? 'category' : cells.every((s) => s === '' || asNumber(s) !== null) ? 'number' : 'category');
  return cells.map((s) => {
    if (s === '') return null;
    if (type === 'number') return asNumber(s) ?? s;
    if (type === 'boolean') return asBoolean(s) ?? s;
    return s;
  });
}

function parquetRows(bytes: Uint8Array, context: UploadContext): Record<string, Value>[] {
  let table;
  try {
    // One row past the limit, to tell a file that is too long without reading all of it.
    const wasm = readParquet(bytes, { limit: UPLOAD_LIMITS.rows + 1 });
    table = tableFromIPC(wasm.intoIPCStream());
  } catch {
    throw new UploadError('file', 'is not a readable Parquet file');
  }
  const fields = table.schema.fields;
  if (fields.length > UPLOAD_LIMITS.columns) throw new UploadError('file', `has more than ${UPLOAD_LIMITS.columns} columns`);
  checkHeader(fields.map((f) => f.name));
  if (table.numRows === 0) throw new UploadError('file', 'has no rows');
  if (table.numRows > UPLOAD_LIMITS.rows) throw new UploadError('file', `has more than ${UPLOAD_LIMITS.rows} rows`);
  const columns = fields.map((field, c) => {
    const read = reader(field, c);
    const vector = table.getChildAt(c)!;
    const spec = context.schema?.[field.name];
    const asText = spec?.type === 'category' || spec?.type === 'text' || context.sliceKeys.includes(field.name);
    const values: Value[] = new Array(table.numRows);
    for (let r = 0; r < table.numRows; r++) {
      let v = read(vector.get(r));
      if (typeof v === 'number' && !Number.isFinite(v)) {
        // NaN is how pandas writes a missing number; an infinite value is no feature value.
        if (Number.isNaN(v)) v = null;
        else throw new UploadError(`row ${r + 1}, column "${field.name}"`, 'holds an infinite number');
      }
      if (typeof v === 'string' && v.length > UPLOAD_LIMITS.fieldLength)
        throw new UploadError(
          `row ${r + 1}, column "${field.name}"`,
          `a value longer than ${UPLOAD_LIMITS.fieldLength} characters`,
        );
      if (typeof v === 'string' && v.includes('\u0000'))
        throw new UploadError(`row ${r + 1}, column "${field.name}"`, 'a value holds NUL (\\u0000)');
      // Numbers and booleans in a column the schema declares as text or category are its values as text.
      if (asText && v !== null && typeof v !== 'string') v = String(v);
      if (spec?.type === 'number' && typeof v === 'string') v = asNumber(v) ?? v;
      values[r] = v;
    }
    return values;
  });
  return Array.from({ length: table.numRows }, (_, r) => Object.fromEntries(fields.map((f, c) => [f.name, columns[c][r]])));
}

/** How a Parquet column's values become feature values; nested and binary columns are refused by name. */
function reader(field: Field, index: number): (v: unknown) => Value {
  const t = field.type as DataType;
  if (DataType.isInt(t) || DataType.isFloat(t))
    return (v) => (v === null || v === undefined ? null : Number(v as number | bigint));
  if (DataType.isBool(t)) return (v) => (v === null || v === undefined ? null : Boolean(v));
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isDictionary(t))
    return (v) => (v === null || v === undefined ? null : String(v));
  if (DataType.isNull(t)) return () => null;
  if (DataType.isDate(t) || DataType.isTimestamp(t))
    return (v) => (v === null || v === undefined ? null : new Date(Number(v as number | bigint)).toISOString());
  throw new UploadError(`column ${index + 1} ("${field.name}")`, `has type ${String(t)}, which no feature can hold`);
}
