import { describe, expect, it } from 'vitest';
import { generateTokenSecret, hashTokenSecret, listedPrefix } from './token-secret.js';

describe('token secrets', () => {
  it('are rl_ followed by 32 random bytes in base64url', () => {
    const secret = generateTokenSecret();
    expect(secret).toMatch(/^rl_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(3), 'base64url')).toHaveLength(32);
    expect(generateTokenSecret()).not.toBe(secret);
  });

  it('hash to the hex sha256 of the secret', () => {
    expect(hashTokenSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('list by a short prefix that fits the prefix column', () => {
    const prefix = listedPrefix(generateTokenSecret());
    expect(prefix.startsWith('rl_')).toBe(true);
    expect(prefix.length).toBeLessThanOrEqual(16);
  });
});
