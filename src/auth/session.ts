import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionPayload {
  tokenId: string;
  /** Epoch milliseconds after which the session is no longer accepted. */
  expiresAt: number;
  /** The token's session generation at sign-in (0 when absent); a logout moves the token's on. */
  generation?: number;
}

/** `base64url(JSON payload).base64url(HMAC-SHA256)`: the session cookie's value. */
export function signSession(payload: SessionPayload, secret: string): string {
  const body = Buffer.from(
    JSON.stringify({ t: payload.tokenId, e: payload.expiresAt, g: payload.generation ?? 0 }),
    'utf8',
  ).toString('base64url');
  return `${body}.${mac(`session:${body}`, secret)}`;
}

/** The payload of a cookie whose signature checks out and that has not expired; null otherwise. */
export function verifySession(value: string | undefined, secret: string, now: number): SessionPayload | null {
  if (typeof value !== 'string' || value.length > 512) return null;
  const dot = value.indexOf('.');
  if (dot <= 0) return null;
  const body = value.slice(0, dot);
  if (!safeEqual(value.slice(dot + 1), mac(`session:${body}`, secret))) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const { t, e, g = 0 } = (parsed ?? {}) as { t?: unknown; e?: unknown; g?: unknown };
  if (typeof t !== 'string' || typeof e !== 'number' || !Number.isFinite(e) || e <= now) return null;
  if (typeof g !== 'number' || !Number.isSafeInteger(g)) return null;
  return { tokenId: t, expiresAt: e, generation: g };
}

/**
 * A CSRF token bound to something only the browser's own cookies carry: the session cookie, or,
 * before sign-in, a random nonce cookie. A cross-site form cannot read either, so it cannot forge this.
 */
export function csrfTokenFor(binding: string, secret: string): string {
  return mac(`csrf:${binding}`, secret);
}

export function isValidCsrfToken(token: unknown, binding: string | undefined, secret: string): boolean {
  if (typeof token !== 'string' || !binding) return false;
  return safeEqual(token, csrfTokenFor(binding, secret));
}

function mac(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
