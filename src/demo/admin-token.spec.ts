import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, demoAdminToken } from './admin-token.js';
import { DemoError } from './demo-error.js';

describe('demoAdminToken', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relabel-demo-token-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a token and keeps it in DATA_DIR/demo-admin-token, readable by its owner only', () => {
    const choice = demoAdminToken(dir, undefined);
    const file = join(dir, ADMIN_TOKEN_FILE);
    expect(choice).toEqual({ token: expect.stringMatching(/^rl_[\w-]{40,}$/), source: 'generated', file });
    expect(readFileSync(file, 'utf8').trim()).toBe(choice.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reuses the kept token on the next run', () => {
    const first = demoAdminToken(dir, undefined);
    const second = demoAdminToken(dir, undefined);
    expect(second).toEqual({ token: first.token, source: 'file', file: first.file });
  });

  it('prefers ADMIN_TOKEN from the environment and writes nothing', () => {
    const choice = demoAdminToken(dir, 'rl_from_the_environment_0123456789');
    expect(choice).toEqual({ token: 'rl_from_the_environment_0123456789', source: 'environment', file: null });
    expect(() => statSync(join(dir, ADMIN_TOKEN_FILE))).toThrow();
  });

  it('refuses a kept file that holds no usable token', () => {
    writeFileSync(join(dir, ADMIN_TOKEN_FILE), 'short\n', { mode: 0o600 });
    expect(() => demoAdminToken(dir, undefined)).toThrow(DemoError);
  });
});
