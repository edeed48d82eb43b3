import { describe, expect, it } from 'vitest';
import { parseIsoDateTime, parseIsoDay } from './dates.js';

describe('parseIsoDateTime', () => {
  it.each([
    ['2026-01-31T12:00:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31', Date.UTC(2026, 0, 31)],
    ['2026-01-31T12:30', Date.parse('2026-01-31T12:30')],
    ['2026-01-31T12:30:15.123456789Z', Date.UTC(2026, 0, 31, 12, 30, 15, 123)],
    ['2026-01-31T12:00:00+01:00', Date.UTC(2026, 0, 31, 11)],
    ['2026-01-31T12:00:00-0130', Date.UTC(2026, 0, 31, 13, 30)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
  ])('reads %s', (text, ms) => {
    expect(parseIsoDateTime(text)).toBe(ms);
  });

  it.each([
    '2026-W05',
    '2026-032',
    '20260101',
    '2026-01-01T10',
    '2026-13-01',
    '2026-00-10',
    '2026-02-30',
    '2026-02-29',
    '2026-04-31',
    '2026-01-01T24:00',
    '2026-01-01T23:60',
    '2026-01-01T23:59:60Z',
    '2026-01-01T10:00+25:00',
    '2026-01-01 10:00',
    ' 2026-01-01',
    '',
    'now',
    42,
    null,
  ])('refuses %j, which IsISO8601 strict or Date.parse read differently', (text) => {
    expect(parseIsoDateTime(text)).toBeNull();
  });
});

describe('parseIsoDay', () => {
  it('reads a calendar day as its UTC midnight', () => {
    expect(parseIsoDay('2026-12-31')).toBe(Date.UTC(2026, 11, 31));
  });

  it.each(['2026-13-01', '2026-02-30', '2026-1-1', '2026-01-01T00:00Z', ''])('refuses %j', (text) => {
    expect(parseIsoDay(text)).toBeNull();
  });
});
