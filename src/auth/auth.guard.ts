import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiError, RetryableError } from '../common/api-error.js';
import { AuthService } from './auth.service.js';
import { clientAddress, FailureLimiter } from './failure-limiter.js';
import { type Principal, PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';
import type { TokenRole } from './token.entity.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admin passes every check of a route that declares roles. A route that declares none is closed to
 * everyone, admin included: forgetting @Roles() must not open a route.
 */
export function roleAllows(role: TokenRole, allowed: readonly TokenRole[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return false;
  return role === 'admin' || allowed.includes(role);
}

/**
 * The global guard. A route is open only when it is @Public(); otherwise it needs a principal whose
 * role its @Roles() lists (admin always passes), and a route with neither decorator is denied.
 * Session-cookie callers must also send the CSRF token on unsafe methods, public routes included.
 * Rendered pages get `principal` and `csrfToken` through res.locals.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly limiter: FailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const res = context.switchToHttp().getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];

    const principal = await authenticateLimited(req, this.auth, this.limiter);
    if (principal) {
      req.principal = principal;
      res.locals.principal = principal;
    }
    if (!this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets)) {
      if (!principal) throw new ApiError(401, 'missing_or_invalid_token');
      const allowed = this.reflector.getAllAndOverride<TokenRole[] | undefined>(ROLES_KEY, targets);
      if (!roleAllows(principal.role, allowed)) throw new ApiError(403, 'role_not_allowed');
    }
    if (principal?.via === 'session') {
      res.locals.csrfToken = await this.auth.sessionCsrfToken(req);
      if (!SAFE_METHODS.has(req.method) && !(await this.auth.hasValidCsrfToken(req, 'session'))) {
        throw new ApiError(403, 'invalid_csrf_token');
      }
    }
    return true;
  }
}

/**
 * The request's principal, counting credentials that do not verify against the client's address;
 * an address over its limit gets 429 before anything it sends is checked.
 */
export async function authenticateLimited(req: Request, auth: AuthService, limiter: FailureLimiter): Promise<Principal | null> {
  if (!auth.presentsCredentials(req)) return null;
  const address = clientAddress(req);
  const wait = limiter.retryAfter(address);
  if (wait !== null) throw new RetryableError(429, 'too_many_failed_authentications', wait);
  const principal = await auth.authenticateRequest(req);
  if (!principal) limiter.fail(address);
  return principal;
}
