import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from './csv.js';

const LIMITS = { maxRecords: 1000, maxFields: 50, maxFieldLength: 100, maxCells: 10_000 };
const fields = (text: string) => parseCsv(text, LIMITS).map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it.each<[string, string, string[][]]>([
    [
      'plain fields, CRLF records',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'LF records and no final line break',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'bare CR records',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quoted commas',
      'a,b\n"x, y",2\n',
      [
        ['a', 'b'],
        ['x, y', '2'],
      ],
    ],
    ['doubled quotes inside quotes', 'a\n"say ""hi"""\n', [['a'], ['say "hi"']]],
    [
      'line breaks inside quotes',
      'a,b\n"one\r\ntwo\nthree",2\n',
      [
        ['a', 'b'],
        ['one\r\ntwo\nthree', '2'],
      ],
    ],
    [
      'empty fields, quoted and not',
      'a,b,c\n,"",\n',
      [
        ['a', 'b', 'c'],
        ['', '', ''],
      ],
    ],
    [
      'a trailing empty field at the end',
      'a,b\n1,',
      [
        ['a', 'b'],
        ['1', ''],
      ],
    ],
    [
      'blank lines skipped',
      '\na,b\n\n1,2\n\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a byte-order mark ignored',
      '\ufeffa,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['spaces kept', ' a , b \n', [[' a ', ' b ']]],
    ['an only quoted quote', '""""\n', [['"']]],
  ])('reads %s', (_, text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    expect(parseCsv('a\n"x\ny"\n\nz\n', LIMITS).map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it.each<[string, string, number, number, RegExp]>([
    ['an unclosed quote', 'a,b\n1,"two\n3,4\n', 2, 2, /never closed/],
    ['text after a closing quote', 'a,b\n"x"y,2\n', 2, 1, /after the closing quote/],
    ['a quote inside an unquoted field', 'a,b\n1,x"y\n', 2, 2, /quote inside an unquoted field/],
    ['a field over the length limit', `a\n${'x'.repeat(101)}\n`, 2, 1, /longer than 100/],
    ['NUL', 'a\nx\u0000y\n', 2, 1, /NUL/],
    ['too many fields', `${Array.from({ length: 51 }, (_, i) => i).join(',')}\n`, 1, 51, /more than 50 fields/],
  ])('refuses %s, naming its line and field', (_, text, line, column, problem) => {
    let error: unknown;
    try {
      parseCsv(text, LIMITS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect(error).toMatchObject({ line, column });
    expect((error as CsvError).problem).toMatch(problem);
  });

  it('refuses more records, or more cells in all, than the limits', () => {
    expect(() => parseCsv('a\n1\n2\n3\n', { ...LIMITS, maxRecords: 3 })).toThrow(/line 4, field 1: more than 2 rows/);
    expect(() => parseCsv('a,b\n1,2\n3,4\n', { ...LIMITS, maxCells: 5 })).toThrow(/line 3, field 1: more than 5 cells in all/);
  });

  it('reads back any table an RFC 4180 writer wrote, with either line ending', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', '"', '\r', '\n', '\r\n', '1'), maxLength: 6 });
    const table = fc
      .integer({ min: 1, max: 4 })
      .chain((width) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 8 }));
    const write = (rows: string[][], eol: string) =>
      rows
        .map((r) =>
          r.map((v) => (/[",\r\n]/.test(v) || (r.length === 1 && v === '') ? `"${v.replace(/"/g, '""')}"` : v)).join(','),
        )
        .join(eol);
    fc.assert(
      fc.property(table, fc.constantFrom('\r\n', '\n'), (rows, eol) => {
        expect(fields(write(rows, eol))).toEqual(rows);
        expect(fields(write(rows, eol) + eol)).toEqual(rows);
      }),
      { numRuns: 500, seed: 4180 },
    );
  });
});
