import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/migrate.js';
import { createTestDatabase } from '../support/app.js';

const dir = mkdtempSync(join(tmpdir(), 'relabel-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('migration CLI', () => {
  it('applies, reports a matching schema, reverts the last migration and shows what generate would write', async () => {
    const database = await createTestDatabase();
    const env = { DATA_DIR: dir, ...(database ? { DATABASE_URL: database.url } : {}) };
    try {
      const run = capture();
      expect(await main(['run'], env, run.stream)).toBe(0);
      expect(run.text()).toMatch(/migrations applied: [1-9]/);
      const same = capture();
      expect(await main(['generate'], env, same.stream)).toBe(0);
      expect(same.text()).toBe('the database matches the entities\n');
      expect(await main(['revert'], env, capture().stream)).toBe(0);
      const diff = capture();
      await main(['generate'], env, diff.stream);
      // Whatever the last migration made, generate now proposes it again.
      expect(diff.text()).toMatch(/CREATE (TABLE|INDEX)|ALTER TABLE/);
    } finally {
      await database?.drop();
    }
  });

  it('answers a bad command with usage and exit code 2', async () => {
    expect(await main(['up'], {}, capture().stream)).toBe(2);
  });
});
