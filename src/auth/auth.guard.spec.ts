import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AuthGuard, roleAllows } from './auth.guard.js';
import { FailureLimiter } from './failure-limiter.js';
import type { AuthService } from './auth.service.js';
import { type Principal, Public, Roles } from './roles.decorator.js';
import { TOKEN_ROLES, type TokenRole } from './token.entity.js';

describe('roleAllows', () => {
  it.each<[TokenRole, TokenRole[], boolean]>([
    ['ingest', ['ingest'], true],
    ['labeler', ['ingest'], false],
    ['ingest', ['labeler'], false],
    ['labeler', ['labeler', 'ingest'], true],
    ['ingest', ['admin'], false],
    ['labeler', ['admin'], false],
  ])('%s on a route for %j: %s', (role, allowed, expected) => {
    expect(roleAllows(role, allowed)).toBe(expected);
  });

  it('lets admin through every route that declares roles', () => {
    for (const allowed of [['ingest'], ['labeler'], ['admin']] as TokenRole[][]) expect(roleAllows('admin', allowed)).toBe(true);
  });

  it.each(TOKEN_ROLES)('denies %s on a route that declares no roles', (role) => {
    expect(roleAllows(role, undefined)).toBe(false);
    expect(roleAllows(role, [])).toBe(false);
  });
});

class Routes {
  undeclared() {}
  @Public()
  open() {}
  @Roles('labeler')
  forLabelers() {}
}

@Roles('ingest')
class IngestRoutes {
  inherited() {}
  @Roles('labeler')
  overridden() {}
}

/** The guard on one handler, with a caller already authenticated (or not) by a stand-in AuthService. */
async function guard(cls: new () => object, handler: string, role: TokenRole | null): Promise<number> {
  const principal: Principal | null = role && { tokenId: 't', name: role, role, via: 'bearer' };
  const auth = {
    presentsCredentials: () => principal !== null,
    authenticateRequest: () => Promise.resolve(principal),
  } as unknown as AuthService;
  const http = { getRequest: () => ({ method: 'GET', ip: '10.0.0.1' }), getResponse: () => ({ locals: {} }) };
  const context = {
    getType: () => 'http',
    switchToHttp: () => http,
    getHandler: () => (cls.prototype as Record<string, unknown>)[handler],
    getClass: () => cls,
  } as unknown as ExecutionContext;
  try {
    expect(await new AuthGuard(new Reflector(), auth, new FailureLimiter(30, 60_000)).canActivate(context)).toBe(true);
    return 200;
  } catch (error) {
    return (error as { getStatus(): number }).getStatus();
  }
}

describe('AuthGuard', () => {
  it.each<[string, TokenRole | null, number]>([
    ['undeclared', 'admin', 403],
    ['undeclared', 'labeler', 403],
    ['undeclared', 'ingest', 403],
    ['undeclared', null, 401],
    ['open', null, 200],
    ['open', 'ingest', 200],
    ['forLabelers', 'labeler', 200],
    ['forLabelers', 'admin', 200],
    ['forLabelers', 'ingest', 403],
    ['forLabelers', null, 401],
  ])('answers %s for %s with %i', async (handler, role, status) => {
    expect(await guard(Routes, handler, role)).toBe(status);
  });

  it('takes the roles a controller declares, and lets a handler override them', async () => {
    expect(await guard(IngestRoutes, 'inherited', 'ingest')).toBe(200);
    expect(await guard(IngestRoutes, 'inherited', 'labeler')).toBe(403);
    expect(await guard(IngestRoutes, 'overridden', 'labeler')).toBe(200);
    expect(await guard(IngestRoutes, 'overridden', 'ingest')).toBe(403);
  });
});
