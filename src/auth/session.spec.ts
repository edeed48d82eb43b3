import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csrfTokenFor, isValidCsrfToken, SESSION_TTL_MS, signSession, verifySession } from './session.js';

const secret = 'a-session-secret-of-at-least-32-characters';
const now = 1_800_000_000_000;
const payload = { tokenId: '6f1c2a52-52a4-4d0e-9c55-8e1f1f3b1f00', expiresAt: now + SESSION_TTL_MS, generation: 3 };

function flipLastChar(value: string): string {
  const last = value.at(-1) === 'A' ? 'B' : 'A';
  return value.slice(0, -1) + last;
}

describe('session cookies', () => {
  it('verify to the payload they were signed with', () => {
    expect(verifySession(signSession(payload, secret), secret, now)).toEqual(payload);
  });

  it('are rejected once expired', () => {
    const cookie = signSession(payload, secret);
    expect(verifySession(cookie, secret, payload.expiresAt - 1)).toEqual(payload);
    expect(verifySession(cookie, secret, payload.expiresAt)).toBeNull();
  });

  it('are rejected when signed with another secret', () => {
    expect(verifySession(signSession(payload, secret), `${secret}-rotated`, now)).toBeNull();
  });

  it('are rejected when the signature is altered', () => {
    expect(verifySession(flipLastChar(signSession(payload, secret)), secret, now)).toBeNull();
  });

  it('carry the session generation they were issued in; one signed before generations existed is generation 0', () => {
    const body = Buffer.from(JSON.stringify({ t: payload.tokenId, e: payload.expiresAt })).toString('base64url');
    const signature = createHmac('sha256', secret).update(`session:${body}`).digest('base64url');
    expect(verifySession(`${body}.${signature}`, secret, now)).toEqual({ ...payload, generation: 0 });
  });

  it('are rejected when the payload is swapped for another token id, a later expiry or another generation', () => {
    const [, signature] = signSession(payload, secret).split('.');
    for (const forged of [
      { t: 'another-token-id', e: payload.expiresAt, g: 3 },
      { t: payload.tokenId, e: payload.expiresAt + SESSION_TTL_MS, g: 3 },
      { t: payload.tokenId, e: payload.expiresAt, g: 4 },
    ]) {
      const body = Buffer.from(JSON.stringify(forged)).toString('base64url');
      expect(verifySession(`${body}.${signature}`, secret, now)).toBeNull();
    }
  });

  it.each([undefined, '', '.', 'no-dot', '.sig', 'x'.repeat(600), 'bm90IGpzb24.c2ln'])('reject malformed value %j', (value) => {
    expect(verifySession(value, secret, now)).toBeNull();
  });

  it('reject a correctly signed body that is not a session payload', () => {
    for (const odd of [
      { t: 42, e: now + 1000 },
      { t: 'id', e: 'later' },
      { t: 'id', e: now + 1000, g: 1.5 },
      null,
      ['id', now + 1000],
    ]) {
      const body = Buffer.from(JSON.stringify(odd)).toString('base64url');
      const signature = createHmac('sha256', secret).update(`session:${body}`).digest('base64url');
      expect(verifySession(`${body}.${signature}`, secret, now)).toBeNull();
    }
  });
});

describe('CSRF tokens', () => {
  const binding = signSession(payload, secret);

  it('are accepted for the binding they were made for', () => {
    expect(isValidCsrfToken(csrfTokenFor(binding, secret), binding, secret)).toBe(true);
  });

  it('are rejected for another session or nonce', () => {
    const other = signSession({ ...payload, tokenId: 'other' }, secret);
    expect(isValidCsrfToken(csrfTokenFor(binding, secret), other, secret)).toBe(false);
  });

  it('are rejected when made with another secret', () => {
    expect(isValidCsrfToken(csrfTokenFor(binding, `${secret}-x`), binding, secret)).toBe(false);
  });

  it.each([undefined, null, '', 42, ['x'], 'not-a-token'])('reject a missing or malformed token %j', (token) => {
    expect(isValidCsrfToken(token, binding, secret)).toBe(false);
  });

  it('are rejected when there is nothing to bind to', () => {
    expect(isValidCsrfToken(csrfTokenFor('', secret), undefined, secret)).toBe(false);
    expect(isValidCsrfToken(csrfTokenFor('', secret), '', secret)).toBe(false);
  });
});
