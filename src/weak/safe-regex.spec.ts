import { describe, expect, it } from 'vitest';
import { compileSafeRegex, RegexSyntaxError } from './safe-regex.js';

describe('compileSafeRegex', () => {
  // Each row was checked against JavaScript's own RegExp with the "i" flag.
  const cases: [string, string, boolean][] = [
    ['free money', 'Get FREE MONEY now', true],
    ['free money', 'freemoney', false],
    ['^win', 'winner', true],
    ['^win', 'a winner', false],
    ['now$', 'act now', true],
    ['now$', 'now act', false],
    ['\\bwin\\b', 'you win!', true],
    ['\\bwin\\b', 'winner', false],
    ['\\Bin', 'win', true],
    ['colou?r', 'color', true],
    ['colou?r', 'colour', true],
    ['colou?r', 'colouur', false],
    ['a{2,3}b', 'aab', true],
    ['a{2,3}b', 'ab', false],
    ['x{2}', 'xx', true],
    ['x{2,}y', 'xxxxy', true],
    ['[0-9]+%', 'save 50% today', true],
    ['[^a-z ]', 'only letters', false],
    ['[A-Z]{3}', 'abc', true],
    ['\\d{3}-\\d{4}', 'call 555-1234', true],
    ['\\$\\d+', 'win $100', true],
    ['(?:buy|order) now', 'ORDER NOW', true],
    ['(viagra|cialis)', 'cheap cialis', true],
    ['(viagra|cialis)', 'cheap tea', false],
    ['a.c', 'abc', true],
    ['a.c', 'a\nc', false],
    ['', 'anything', true],
    ['\\s+$', 'trailing  ', true],
    ['(a|b)*c', 'ababab', false],
  ];
  it.each(cases)('%s on %j is %s, like RegExp', (pattern, text, expected) => {
    expect(compileSafeRegex(pattern).test(text)).toBe(expected);
    expect(new RegExp(pattern, 'i').test(text)).toBe(expected);
  });

  it('keeps case when asked to', () => {
    expect(compileSafeRegex('Free', false).test('free')).toBe(false);
    expect(compileSafeRegex('Free', false).test('Free')).toBe(true);
  });

  it.each([
    '(a)\\1',
    '(?=a)',
    '(?!a)',
    '(?<=a)b',
    '(?<n>a)',
    '(a',
    'a)',
    '[abc',
    '*a',
    'a**',
    'a{5,2}',
    'a{1000}',
    '\\p{L}',
    'x\\',
  ])('rejects %s', (pattern) => {
    expect(() => compileSafeRegex(pattern)).toThrow(RegexSyntaxError);
  });

  it('matches a pattern that makes backtracking engines explode, in linear time', () => {
    const regex = compileSafeRegex('(a|a)*(a|aa)*b');
    const text = 'a'.repeat(20_000);
    const started = performance.now();
    expect(regex.test(text)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
