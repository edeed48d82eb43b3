import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');

/** Which module's folder may write each table (DESIGN.md's module table). */
const OWNERS: [RegExp, string][] = [
  [/^predictions$/, 'predictions'],
  [/^events$/, 'events'],
  [/^(labels|label_changes)$/, 'labels'],
  [/^labeling_/, 'labeling'],
  [/^slice_/, 'slices'],
  [/^quality_/, 'quality'],
  [/^(alerts|alert_notifications)$/, 'alerts'],
  [/^exports$/, 'exports'],
  [/^tokens$/, 'auth'],
  [/^lf_/, 'weak'],
  [/^monitoring_/, 'monitoring'],
];

// The migration CLI reports applied migrations; it moves to a Nest application context in its own change.
const SQL_OUTSIDE_REPOSITORIES_ALLOWED = new Set(['cli/migrate.ts']);

const WRITE = /\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+([a-z_]+)\b/g;
const SQL = /\b(?:SELECT\s+[\w*"(]|INSERT INTO\s|UPDATE\s+[a-z_]+\s+(?:[a-z]+\s+)?SET\b|DELETE FROM\s)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative(SRC, path)] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(join(SRC, path), 'utf8') }));

describe('where SQL lives', () => {
  it('finds the source files it checks', () => {
    expect(files.some((f) => f.path === 'predictions/predictions.repository.ts')).toBe(true);
  });

  it('writes each table only from the folder of the module that owns it', () => {
    const strays: string[] = [];
    for (const { path, text } of files) {
      for (const [, table] of text.matchAll(WRITE)) {
        const owner = OWNERS.find(([pattern]) => pattern.test(table))?.[1];
        if (owner && !path.startsWith(`${owner}/`)) strays.push(`${path} writes ${table} (owned by ${owner}/)`);
      }
    }
    expect(strays).toEqual([]);
  });

  it('keeps SQL in repositories and database/ only', () => {
    const strays = files
      .filter(({ path }) => !path.endsWith('.repository.ts') && !path.startsWith('database/'))
      .filter(({ path }) => !SQL_OUTSIDE_REPOSITORIES_ALLOWED.has(path))
      .filter(({ text }) => SQL.test(text))
      .map(({ path }) => path);
    expect(strays).toEqual([]);
  });

  it('leaves placeholders and dialect branches to database/', () => {
    const strays = files
      .filter(({ path }) => !path.startsWith('database/'))
      .filter(({ text }) => /\.param\(|replace\(\s*['"/]\\?\?|\$\{\s*p\(\d|toPostgres|\.prepare\(/.test(text))
      .map(({ path }) => path);
    expect(strays).toEqual([]);
  });
});
