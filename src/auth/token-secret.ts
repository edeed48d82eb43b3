import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_SECRET_PREFIX = 'rl_';
const LISTED_PREFIX_LENGTH = 10;

/** A new API token secret: `rl_` + 32 random bytes, base64url. */
export function generateTokenSecret(): string {
  return TOKEN_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the secret. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The start of a secret, shown in listings so people can tell their tokens apart. */
export function listedPrefix(secret: string): string {
  return secret.slice(0, LISTED_PREFIX_LENGTH);
}
