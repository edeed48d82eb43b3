import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { TokenRole } from './token.entity.js';

export const ROLES_KEY = 'relabel:roles';
export const PUBLIC_KEY = 'relabel:public';

/**
 * The roles that may call a route (at least one); an admin may call every route that declares roles.
 * The guard denies a route that declares none and is not @Public().
 */
export const Roles = (role: TokenRole, ...more: TokenRole[]) => SetMetadata(ROLES_KEY, [role, ...more]);

/** A route that needs no credentials (health, login): the only way to open a route to anyone. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export interface Principal {
  tokenId: string;
  name: string;
  role: TokenRole;
  via: 'bearer' | 'session';
}

/** The authenticated caller, set by the auth guard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return req.principal;
});
