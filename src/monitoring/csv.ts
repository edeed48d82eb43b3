/**
 * An RFC 4180 CSV reader: comma-separated fields, records ended by CRLF (or a bare LF or CR),
 * fields in double quotes may hold commas, line breaks and doubled quotes (""). Entirely blank
 * lines are skipped, and a UTF-8 byte-order mark at the start is ignored.
 */

/** A CSV that does not follow the format: where (1-based line and field) and what. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`line ${line}, field ${column}: ${problem}`);
  }
}

export interface CsvRecord {
  /** The line the record starts on (1-based). */
  line: number;
  fields: string[];
}

export interface CsvLimits {
  maxRecords: number;
  maxFields: number;
  maxFieldLength: number;
  /** Fields in all records together. */
  maxCells: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Every record of the text, header included; throws CsvError on a malformed one or past a limit. */
export function parseCsv(text: string, limits: CsvLimits): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  let cells = 0;
  while (i < n) {
    const start = line;
    const c0 = text.charCodeAt(i);
    if (c0 === LF || c0 === CR) {
      // A blank line.
      i += c0 === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      const column = fields.length + 1;
      if (column > limits.maxFields) throw new CsvError(start, column, `more than ${limits.maxFields} fields`);
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        const quoteLine = line;
        let out = '';
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw new CsvError(quoteLine, column, 'a quoted field is never closed');
          for (let k = i; k < q; k++)
            if (text.charCodeAt(k) === LF || (text.charCodeAt(k) === CR && text.charCodeAt(k + 1) !== LF)) line++;
          if (text.charCodeAt(q + 1) === QUOTE) {
            out += text.slice(from, q + 1);
            i = from = q + 2;
            continue;
          }
          out += text.slice(from, q);
          i = q + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== CR && next !== LF)
          throw new CsvError(line, column, 'text after the closing quote of a quoted field (a quote inside must be doubled: "")');
        value = out;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE)
            throw new CsvError(line, column, 'a quote inside an unquoted field (quote the field and double the quote)');
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      if (value.length > limits.maxFieldLength)
        throw new CsvError(start, column, `a field longer than ${limits.maxFieldLength} characters`);
      if (value.includes('\u0000')) throw new CsvError(start, column, 'a field holds NUL (\\u0000)');
      fields.push(value);
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        if (i === n) fields.push('');
        else continue;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i++;
      if (i <= n) line++;
      break;
    }
    if (records.length >= limits.maxRecords) throw new CsvError(start, 1, `more than ${limits.maxRecords - 1} rows`);
    cells += fields.length;
    if (cells > limits.maxCells) throw new CsvError(start, 1, `more than ${limits.maxCells} cells in all`);
    records.push({ line: start, fields });
  }
  return records;
}
