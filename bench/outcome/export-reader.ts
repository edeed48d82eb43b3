import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';

/** What the retraining needs of an exported row, whatever the file format. */
export interface ExportedRow {
  id: string;
  subject: string;
  body: string;
  label: string;
  labelSource: string;
  weight: number;
}

/** Reads an export file of relabel's as a team would: CSV and Parquet by their flat columns, JSONL by its nested record. */
export function readExport(format: string, bytes: Uint8Array): ExportedRow[] {
  if (format === 'jsonl') return readJsonl(new TextDecoder().decode(bytes));
  const csv = format === 'csv';
  const records = csv ? readCsv(new TextDecoder().decode(bytes)) : readParquetRecords(bytes);
  const text = (v: unknown) => (csv ? unescapeFormula(String(v ?? '')) : String(v ?? ''));
  return records.map((r) => ({
    id: String(r.id),
    subject: text(r['feature.subject']),
    body: text(r['feature.body']),
    label: String(r.label),
    labelSource: String(r.label_source),
    weight: r.weight === undefined || r.weight === null || r.weight === '' ? 1 : Number(r.weight),
  }));
}

function readJsonl(text: string): ExportedRow[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const r = JSON.parse(line) as {
        id: string;
        features: Record<string, unknown>;
        label: string;
        label_source: string;
        weight?: number;
      };
      return {
        id: r.id,
        subject: String(r.features.subject ?? ''),
        body: String(r.features.body ?? ''),
        label: r.label,
        labelSource: r.label_source,
        weight: r.weight ?? 1,
      };
    });
}

function readParquetRecords(bytes: Uint8Array): Record<string, unknown>[] {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
export function readCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) rows.push([...row, field]);
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/** The CSV writer puts a quote before text a spreadsheet would run as a formula; take it off again. */
function unescapeFormula(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
