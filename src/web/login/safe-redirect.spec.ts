import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-redirect.js';

describe('safeNextPath', () => {
  it.each([
    ['/labeling', '/labeling'],
    ['/models/churn/slices?window=7d#top', '/models/churn/slices?window=7d#top'],
    ['/a/../docs', '/docs'],
  ])('keeps the local path %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    'http:/evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/ok\\..\\evil',
    'javascript:alert(1)',
    'labeling',
    '/\t/evil.example',
    '/login',
    '/logout?x=1',
    '',
    undefined,
    ['/labeling'],
    `/${'a'.repeat(2001)}`,
  ])('refuses %j and falls back to /', (next) => {
    expect(safeNextPath(next)).toBe('/');
  });
});
