import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { AppConfig } from '../config/config.js';
import { AuthSettingsRepository } from './auth-settings.repository.js';
import type { Principal } from './roles.decorator.js';
import { csrfTokenFor, isValidCsrfToken, SESSION_TTL_MS, signSession, verifySession } from './session.js';
import type { TokenEntity } from './token.entity.js';
import { TokensService } from './tokens.service.js';

/** The session cookie over plain http (loopback development); see cookieNames. */
export const SESSION_COOKIE = 'relabel_session';
/** A random value set before sign-in, so the login form has something to bind its CSRF token to. */
export const LOGIN_NONCE_COOKIE = 'relabel_login_nonce';
/** The names when cookies are Secure: the __Host- prefix makes browsers refuse them from http or another (sub)domain. */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const SECURE_LOGIN_NONCE_COOKIE = `__Host-${LOGIN_NONCE_COOKIE}`;
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const BEARER = /^Bearer +([^\s]+) *$/i;

/** Who is calling (Bearer token or session cookie), session cookies and CSRF tokens. */
@Injectable()
export class AuthService {
  private secret?: Promise<string>;

  constructor(
    private readonly tokens: TokensService,
    private readonly settings: AuthSettingsRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * The caller of a request, or null. A request with an Authorization header is judged by it alone
   * (a bad Bearer token is not rescued by a cookie); otherwise by the session cookie.
   */
  async authenticateRequest(req: Request): Promise<Principal | null> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const secret = BEARER.exec(header)?.[1];
      const token = secret ? await this.tokens.verify(secret) : null;
      return token ? toPrincipal(token, 'bearer') : null;
    }
    const session = await this.session(req);
    if (!session) return null;
    const token = await this.tokens.findActive(session.tokenId);
    if (!token || token.role === 'ingest' || token.sessionGeneration !== (session.generation ?? 0)) return null;
    return toPrincipal(token, 'session');
  }

  /**
   * Secure cookies (named __Host-...) unless the service is plainly on http: always with
   * COOKIE_SECURE=on or an https PUBLIC_URL (a TLS proxy in front, trusted or not), and for requests
   * that came over https. Only the names of the request's kind are read, so a cookie planted over
   * plain http is never taken for a secure one.
   */
  private cookieNames(req: Request): { session: string; nonce: string; secure: boolean } {
    const secure = this.config.COOKIE_SECURE === 'on' || /^https:/i.test(this.config.PUBLIC_URL ?? '') || req.secure;
    return secure
      ? { session: SECURE_SESSION_COOKIE, nonce: SECURE_LOGIN_NONCE_COOKIE, secure }
      : { session: SESSION_COOKIE, nonce: LOGIN_NONCE_COOKIE, secure };
  }

  private async session(req: Request) {
    const value = cookie(req, this.cookieNames(req).session);
    return value ? verifySession(value, await this.sessionSecret(), Date.now()) : null;
  }

  /** Whether the request sends credentials (a token or a session cookie) that the guard will check. */
  presentsCredentials(req: Request): boolean {
    return req.headers.authorization !== undefined || cookie(req, this.cookieNames(req).session) !== undefined;
  }

  /**
   * Trades a token secret for a session cookie: the principal, 'ingest' for an ingest token (those
   * are for model servers and never sign in to the web UI), or null when the secret is not an active token.
   */
  async signIn(req: Request, res: Response, secret: string): Promise<Principal | 'ingest' | null> {
    const token = await this.tokens.verify(secret.trim());
    if (!token) return null;
    if (token.role === 'ingest') return 'ingest';
    // The verified-token cache may predate a logout: the generation is read fresh.
    const current = await this.tokens.findActive(token.id);
    if (!current) return null;
    const value = signSession(
      { tokenId: token.id, expiresAt: Date.now() + SESSION_TTL_MS, generation: current.sessionGeneration },
      await this.sessionSecret(),
    );
    const names = this.cookieNames(req);
    res.cookie(names.session, value, cookieOptions(names.secure, SESSION_TTL_MS));
    res.clearCookie(names.nonce, cookieOptions(names.secure));
    return toPrincipal(token, 'session');
  }

  /**
   * Ends the session on the server too: the token's session generation moves on, so this cookie (and
   * any copy of it, and the token's sessions in other browsers) stops working; then clears the cookie.
   */
  async signOut(req: Request, res: Response): Promise<void> {
    const session = await this.session(req);
    if (session) await this.tokens.endSessions(session.tokenId);
    const names = this.cookieNames(req);
    res.clearCookie(names.session, cookieOptions(names.secure));
  }

  /** The CSRF token for forms of a request signed in by session cookie. */
  async sessionCsrfToken(req: Request): Promise<string> {
    return csrfTokenFor(cookie(req, this.cookieNames(req).session) ?? '', await this.sessionSecret());
  }

  /** The CSRF token for the login form: bound to a nonce cookie, set here when missing. */
  async loginCsrfToken(req: Request, res: Response): Promise<string> {
    const names = this.cookieNames(req);
    let nonce = cookie(req, names.nonce);
    if (!nonce || nonce.length > 64) {
      nonce = randomBytes(18).toString('base64url');
      res.cookie(names.nonce, nonce, cookieOptions(names.secure, SESSION_TTL_MS));
      req.cookies = { ...(req.cookies as Record<string, string> | undefined), [names.nonce]: nonce };
    }
    return csrfTokenFor(nonce, await this.sessionSecret());
  }

  /**
   * Whether the request carries the CSRF token of its session (or, for 'login', of its nonce), in the
   * `_csrf` body field or the x-csrf-token header. The body field is removed so that route DTOs
   * (which reject unknown fields) need not declare it.
   */
  async hasValidCsrfToken(req: Request, bindTo: 'session' | 'login'): Promise<boolean> {
    const body = req.body as Record<string, unknown> | undefined;
    const presented = (body && typeof body === 'object' ? body[CSRF_FIELD] : undefined) ?? req.headers[CSRF_HEADER];
    if (body && typeof body === 'object') delete body[CSRF_FIELD];
    const names = this.cookieNames(req);
    const binding = cookie(req, bindTo === 'session' ? names.session : names.nonce);
    return isValidCsrfToken(presented, binding, await this.sessionSecret());
  }

  private sessionSecret(): Promise<string> {
    if (this.config.SESSION_SECRET) return Promise.resolve(this.config.SESSION_SECRET);
    this.secret ??= this.settings.sessionSecret().catch((error: unknown) => {
      this.secret = undefined;
      throw error;
    });
    return this.secret;
  }
}

function toPrincipal(token: TokenEntity, via: Principal['via']): Principal {
  return { tokenId: token.id, name: token.name, role: token.role, via };
}

function cookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Path=/ and no Domain, as the __Host- prefix requires. */
function cookieOptions(secure: boolean, maxAge?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', ...(maxAge ? { maxAge } : {}) };
}
