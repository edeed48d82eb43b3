import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DemoError } from './demo-error.js';

export const ADMIN_TOKEN_FILE = 'demo-admin-token';
const MIN_LENGTH = 24;

export interface AdminTokenChoice {
  token: string;
  source: 'environment' | 'file' | 'generated';
  /** Where the token is kept, when the demo keeps it. */
  file: string | null;
}

/**
 * The admin token the demo starts the service with: ADMIN_TOKEN when set, else the one an earlier
 * demo run kept in DATA_DIR/demo-admin-token, else a new one written there readable by its owner only.
 */
export function demoAdminToken(dataDir: string, fromEnv: string | undefined): AdminTokenChoice {
  if (fromEnv) return { token: fromEnv, source: 'environment', file: null };
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  const saved = readSaved(file);
  if (saved !== null) return { token: saved, source: 'file', file };
  const token = `rl_${randomBytes(32).toString('base64url')}`;
  try {
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another demo started at the same moment and wrote first: use its token.
    const raced = (error as NodeJS.ErrnoException).code === 'EEXIST' ? readSaved(file) : null;
    if (raced !== null) return { token: raced, source: 'file', file };
    throw error;
  }
  return { token, source: 'generated', file };
}

function readSaved(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const token = text.trim();
  if (token.length < MIN_LENGTH)
    throw new DemoError(`${file} does not hold a token of at least ${MIN_LENGTH} characters; delete it to get a new one`);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return token;
}
