import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS, UploadError, uploadedRows } from './baseline-upload.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const csv = (text: string) => new TextEncoder().encode(text);
const none = { schema: null, sliceKeys: [] };

async function refusal(run: () => Promise<unknown>): Promise<UploadError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof UploadError) return error;
    throw error;
  }
  throw new Error('no UploadError');
}

describe('uploadedRows: Parquet', () => {
  it('reads a file pyarrow wrote (float with NaN, dictionary strings, nulls, int64, bool) as the same rows as its JSON', async () => {
    const rows = await uploadedRows('parquet', fixture('baseline-training.parquet'), none);
    const expected = JSON.parse(fixture('baseline-training.json').toString('utf8')) as unknown[];
    expect(rows).toHaveLength(300);
    expect(rows).toEqual(expected);
  });

  it('types a column by the schema: numbers of a category become text', async () => {
    const rows = await uploadedRows('parquet', fixture('baseline-training.parquet'), {
      schema: { qty: { type: 'category', values: ['1', '2', '3', '4', '5'] } },
      sliceKeys: ['gift'],
    });
    expect(typeof rows[0].qty).toBe('string');
    expect(rows[0].gift).toBe('true');
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['a nested column, by name', fixture('baseline-nested.parquet'), /column 2 \("tags"\): has type List/],
    ['bytes that are no Parquet file', csv('price\n1\n'), /is not a readable Parquet file/],
    ['an empty body', new Uint8Array(), /file: is empty/],
  ])('refuses %s', async (_, bytes, message) => {
    expect((await refusal(() => uploadedRows('parquet', bytes, none))).message).toMatch(message);
  });
});

describe('uploadedRows: Parquet limits', () => {
  const parquetOf = (columns: Record<string, Float64Array>) =>
    writeParquet(WasmTable.fromIPCStream(tableToIPC(tableFromArrays(columns), 'stream')));

  it('refuses a file whose footer says more rows, or more cells, than the limits, before decoding it', async () => {
    const long = parquetOf({ x: new Float64Array(UPLOAD_LIMITS.rows + 1) });
    expect((await refusal(() => uploadedRows('parquet', long, none))).message).toBe('file: has more than 100000 rows');
    const wide = parquetOf(
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, new Float64Array(UPLOAD_LIMITS.rows)])),
    );
    expect((await refusal(() => uploadedRows('parquet', wide, none))).message).toBe(
      'file: has more than 5000000 cells (rows × columns)',
    );
    const fits = parquetOf({ x: Float64Array.from([1, 2, 3]) });
    expect(await uploadedRows('parquet', fits, none)).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
  });
});

describe('uploadedRows: CSV', () => {
  it('types columns by the schema, slice keys as text, others by what they hold; empty cells are missing', async () => {
    const rows = await uploadedRows(
      'csv',
      csv('price,zip,country,note,flag\r\n1.5,01234,de,"a, ""b""",true\r\n,99,fr,2,0\r\nx,5,us,,1\r\n'),
      {
        schema: { price: { type: 'number' }, flag: { type: 'boolean' } },
        sliceKeys: ['zip'],
      },
    );
    expect(rows).toEqual([
      { price: 1.5, zip: '01234', country: 'de', note: 'a, "b"', flag: true },
      // A number the schema declares that does not parse stays text: the profile counts a wrong type.
      { price: null, zip: '99', country: 'fr', note: '2', flag: false },
      { price: 'x', zip: '5', country: 'us', note: null, flag: true },
    ]);
    expect(await uploadedRows('csv', csv('n,m\n1,a\n2.5e3,b\n-0.5,\n'), none)).toEqual([
      { n: 1, m: 'a' },
      { n: 2500, m: 'b' },
      { n: -0.5, m: null },
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['a row with fewer fields than the header', 'a,b\n1,2\n3\n', /^line 3 \(row 2\): has 1 fields, the header 2$/],
    ['an unclosed quote', 'a,b\n1,"2\n', /^line 2, field 2: a quoted field is never closed$/],
    ['a duplicate column', 'a,a\n1,2\n', /^header, column 2: "a" appears twice$/],
    ['an unnamed column', 'a,\n1,2\n', /^header, column 2: has no name$/],
    ['a header without rows', 'a,b\n', /^file: has a header but no rows$/],
    ['bytes that are not UTF-8', '\u00ff', /^file: is not UTF-8 text$/],
  ])('refuses %s, naming where', async (_, text, message) => {
    const bytes = text === '\u00ff' ? new Uint8Array([0x61, 0x0a, 0xff, 0xfe]) : csv(text);
    expect((await refusal(() => uploadedRows('csv', bytes, none))).message).toMatch(message);
  });

  it(`refuses more than ${UPLOAD_LIMITS.rows} rows and more than ${UPLOAD_LIMITS.columns} columns`, async () => {
    expect((await refusal(() => uploadedRows('csv', csv(`x\n${'1\n'.repeat(UPLOAD_LIMITS.rows + 1)}`), none))).message).toMatch(
      /more than 100000 rows/,
    );
    const wide = Array.from({ length: UPLOAD_LIMITS.columns + 1 }, (_, i) => `c${i}`).join(',');
    expect((await refusal(() => uploadedRows('csv', csv(`${wide}\n`), none))).message).toMatch(/field 501: more than 500 fields/);
  });
});
