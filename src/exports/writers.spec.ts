import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { csvCell, writeCsv } from './csv-writer.js';
import { type ExportLayout, type ExportRow, flatColumns, type Sink } from './export-row.js';
import { writeJsonl } from './jsonl-writer.js';
import { writeParquet } from './parquet-writer.js';

const layout: ExportLayout = {
  featureNames: ['price', 'title', 'vip'],
  featureTypes: { price: 'number', title: 'string', vip: 'boolean' },
  classes: ['click', 'ignore'],
  sliceKeys: ['country'],
};

function aRow(n: number, overrides: Partial<ExportRow> = {}): ExportRow {
  return {
    id: `p-${String(n).padStart(3, '0')}`,
    timestamp: Date.UTC(2026, 0, 1) + n * 1000,
    modelVersion: 'v1',
    features: { price: n / 2, title: `item ${n}`, vip: n % 2 === 0 },
    label: n % 3 === 0 ? 'click' : 'ignore',
    labelSource: 'manual',
    prediction: 'click',
    scores: { click: 0.25, ignore: 0.75 },
    slices: { country: 'de' },
    weight: 1,
    split: n % 10 === 0 ? 'validation' : 'train',
    labelProbability: n === 0 ? 0.875 : null,
    ...overrides,
  };
}

async function* chunksOf(rows: ExportRow[], size: number): AsyncIterable<ExportRow[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

async function collect(write: (sink: Sink) => Promise<void>): Promise<Buffer> {
  const parts: Buffer[] = [];
  await write(async (bytes) => void parts.push(Buffer.from(bytes)));
  return Buffer.concat(parts);
}

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['\n=1+1', `"'\n=1+1"`],
    ['\uFF1DHYPERLINK("x")', `"'\uFF1DHYPERLINK(""x"")"`],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D2', "'\uFF0D2"],
    ['\uFF20SUM(A1)', "'\uFF20SUM(A1)"],
    ['a\uFF1Db', 'a\uFF1Db'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
  ])('escapes %j as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('keeps numbers, booleans and nulls as values, a negative number unescaped', () => {
    expect([csvCell(-0.5), csvCell(true), csvCell(null)]).toEqual(['-0.5', 'true', '']);
  });
});

describe('writers', () => {
  const rows = Array.from({ length: 25 }, (_, n) => aRow(n));

  it('CSV has a header of the flat columns and one line per row', async () => {
    const text = (await collect((sink) => writeCsv(chunksOf(rows, 10), layout, sink))).toString();
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0].split(',')).toEqual(flatColumns(layout).map((c) => c.name));
    expect(lines).toHaveLength(26);
    expect(lines[1]).toBe('p-000,2026-01-01T00:00:00.000Z,v1,0,item 0,true,click,manual,click,0.25,0.75,de,1,validation,0.875');
  });

  it('JSONL nests features, scores and slices', async () => {
    const text = (await collect((sink) => writeJsonl(chunksOf(rows, 10), layout, sink))).toString();
    const records = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(25);
    expect(records[3]).toEqual({
      id: 'p-003',
      timestamp: '2026-01-01T00:00:03.000Z',
      model_version: 'v1',
      features: { price: 1.5, title: 'item 3', vip: false },
      label: 'click',
      label_source: 'manual',
      prediction: 'click',
      scores: { click: 0.25, ignore: 0.75 },
      slices: { country: 'de' },
      weight: 1,
      split: 'train',
      label_probability: null,
    });
  });

  it('Parquet reads back the same rows, with typed columns and nulls', async () => {
    const withGaps = [...rows, aRow(99, { features: { price: null, title: null, vip: null }, slices: {} })];
    const bytes = await collect((sink) => writeParquet(chunksOf(withGaps, 10), layout, sink));
    const table = tableFromIPC(readParquet(bytes).intoIPCStream());
    expect(table.numRows).toBe(26);
    expect(table.schema.fields.map((f) => f.name)).toEqual(flatColumns(layout).map((c) => c.name));
    const back = table.toArray().map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());
    expect(back[1]).toMatchObject({ id: 'p-001', 'feature.price': 0.5, 'feature.vip': false, 'score.ignore': 0.75 });
    expect(back[25]).toMatchObject({ id: 'p-099', 'feature.price': null, 'feature.title': null, 'slice.country': null });
  });
});
