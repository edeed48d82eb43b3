import { type ExportLayout, type ExportRow, flatColumns, flatValues, type Sink } from './export-row.js';

// The full-width forms (U+FF1D = U+FF0B + U+FF0D - U+FF20 @) too: some spreadsheets fold them to ASCII first.
const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell. Text a spreadsheet would run as a formula (= + - @ or their full-width forms, tab,
 * CR or LF first) gets a leading single quote; numbers are written as numbers, so a negative score
 * stays a number.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number | boolean | null)[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

export function csvHeader(layout: ExportLayout): string {
  return csvLine(flatColumns(layout).map((c) => c.name));
}

/** RFC 4180 CSV with a header, one chunk of rows per write. */
export async function writeCsv(chunks: AsyncIterable<ExportRow[]>, layout: ExportLayout, sink: Sink): Promise<void> {
  await sink(csvHeader(layout));
  for await (const rows of chunks) {
    let text = '';
    for (const row of rows) text += csvLine(flatValues(row, layout));
    await sink(text);
  }
}
