import type { INestApplication } from '@nestjs/common';

export interface MountedRoute {
  method: string;
  route: string;
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every route the HTTP adapter's (express) router has mounted: controllers' handlers and what
 * libraries mount themselves (the OpenAPI UI). Nest's middleware is mounted for every path and
 * method as `{/*splat}`; it is not a route of its own.
 */
export function mountedRoutes(app: INestApplication): MountedRoute[] {
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } }).router;
  return router.stack.flatMap(({ route }) =>
    !route || route.path.includes('*splat')
      ? []
      : Object.keys(route.methods).map((method) => ({ method: method.toLowerCase(), route: route.path })),
  );
}
