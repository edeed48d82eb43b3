import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { AppConfig } from '../config/config.js';
import { AuthSettingsRepository } from './auth-settings.repository.js';
import type { Principal } from './roles.decorator.js';
import { csrfTokenFor, isValidCsrfToken, SESSION_TTL_MS, signSession, verifySession } from './session.js';
import type { TokenEntity } from './token.entity.js';
import { TokensService } from './tokens.service.js';

export const SESSION_COOKIE = 'relabel_session';
/** A random value set before sign-in, so the login form has something to bind its CSRF token to. */
export const LOGIN_NONCE_COOKIE = 'relabel_login_nonce';
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
    const value = cookie(req, SESSION_COOKIE);
    if (!value) return null;
    const session = verifySession(value, await this.sessionSecret(), Date.now());
    if (!session) return null;
    const token = await this.tokens.findActive(session.tokenId);
    return token && token.role !== 'ingest' ? toPrincipal(token, 'session') : null;
  }

  /** Whether the request sends credentials (a token or a session cookie) that the guard will check. */
  presentsCredentials(req: Request): boolean {
    return req.headers.authorization !== undefined || cookie(req, SESSION_COOKIE) !== undefined;
  }

  /**
   * Trades a token secret for a session cookie: the principal, 'ingest' for an ingest token (those
   * are for model servers and never sign in to the web UI), or null when the secret is not an active token.
   */
  async signIn(req: Request, res: Response, secret: string): Promise<Principal | 'ingest' | null> {
    const token = await this.tokens.verify(secret.trim());
    if (!token) return null;
    if (token.role === 'ingest') return 'ingest';
    const value = signSession({ tokenId: token.id, expiresAt: Date.now() + SESSION_TTL_MS }, await this.sessionSecret());
    res.cookie(SESSION_COOKIE, value, cookieOptions(req, SESSION_TTL_MS));
    res.clearCookie(LOGIN_NONCE_COOKIE, cookieOptions(req));
    return toPrincipal(token, 'session');
  }

  signOut(req: Request, res: Response): void {
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
  }

  /** The CSRF token for forms of a request signed in by session cookie. */
  async sessionCsrfToken(req: Request): Promise<string> {
    return csrfTokenFor(cookie(req, SESSION_COOKIE) ?? '', await this.sessionSecret());
  }

  /** The CSRF token for the login form: bound to a nonce cookie, set here when missing. */
  async loginCsrfToken(req: Request, res: Response): Promise<string> {
    let nonce = cookie(req, LOGIN_NONCE_COOKIE);
    if (!nonce || nonce.length > 64) {
      nonce = randomBytes(18).toString('base64url');
      res.cookie(LOGIN_NONCE_COOKIE, nonce, cookieOptions(req, SESSION_TTL_MS));
      req.cookies = { ...(req.cookies as Record<string, string> | undefined), [LOGIN_NONCE_COOKIE]: nonce };
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
    const binding = cookie(req, bindTo === 'session' ? SESSION_COOKIE : LOGIN_NONCE_COOKIE);
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

function cookieOptions(req: Request, maxAge?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', ...(maxAge ? { maxAge } : {}) };
}
