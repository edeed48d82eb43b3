import { randomUUID } from 'node:crypto';
import type { TokenRole } from '../../src/auth/token.entity.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Every route the router mounts and who may call it, checked by auth.e2e.spec.ts for each caller:
 * anonymous, ingest, labeler and admin; the same file fails when a mounted route is missing here or
 * a route here is not mounted. Add your routes here. `roles` lists the roles allowed besides admin
 * (admin passes every check); `okStatus` is what an allowed caller gets with `body`.
 */
export interface RouteRole {
  method: Method;
  /** As the router mounts it, with :params. */
  route: string;
  roles: 'public' | [TokenRole, ...TokenRole[]];
  okStatus: number;
  body?: unknown;
  /** Sent as the Accept header; JSON unless a page is meant. */
  accept?: string;
}

const LABELER: ['labeler'] = ['labeler'];
const ADMIN: ['admin'] = ['admin'];

export const ROUTE_ROLES: RouteRole[] = [
  { method: 'post', route: '/api/v1/tokens', roles: ADMIN, body: { name: 'route-check', role: 'ingest' }, okStatus: 201 },
  { method: 'get', route: '/api/v1/tokens', roles: ADMIN, okStatus: 200 },
  { method: 'delete', route: '/api/v1/tokens/:id', roles: ADMIN, okStatus: 404 },
  { method: 'get', route: '/metrics', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs/', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs/index.html', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs/swagger-ui-init.js', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs/docs/swagger-ui-init.js', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs/LICENSE', roles: ADMIN, okStatus: 404 },
  { method: 'get', route: '/docs/json', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/docs/yaml', roles: ADMIN, okStatus: 200 },
  { method: 'get', route: '/health', roles: 'public', okStatus: 200 },
  // Home is where every sign-in lands; ingest tokens cannot sign in, and read nothing but /health.
  { method: 'get', route: '/', roles: LABELER, okStatus: 200 },
  { method: 'get', route: '/login', roles: 'public', okStatus: 200, accept: 'text/html' },
  // Without the login form's nonce cookie and CSRF field the form answers 403 to everyone.
  { method: 'post', route: '/login', roles: 'public', body: {}, okStatus: 403, accept: 'text/html' },
  { method: 'post', route: '/logout', roles: 'public', body: {}, okStatus: 303 },
  // Allowed callers get past the guard and fail validation (400) or lookup (404): the guard runs first.
  { method: 'put', route: '/api/v1/models/:model', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/api/v1/models', roles: LABELER, okStatus: 200 },
  { method: 'get', route: '/api/v1/models/:model', roles: LABELER, okStatus: 404 },
  { method: 'post', route: '/api/v1/predictions', roles: ['ingest'], body: {}, okStatus: 400 },
  { method: 'get', route: '/api/v1/models/:model/predictions/:id', roles: LABELER, okStatus: 404 },
  { method: 'post', route: '/api/v1/events', roles: ['ingest'], body: {}, okStatus: 400 },
  { method: 'post', route: '/api/v1/labels', roles: LABELER, body: {}, okStatus: 400 },
  { method: 'post', route: '/api/v1/models/:model/labeling-batches', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/api/v1/models/:model/labeling-batches', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/labeling-batches/:id', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/labeling/next', roles: LABELER, okStatus: 404 },
  { method: 'post', route: '/api/v1/labeling/tasks/:id', roles: LABELER, body: { skip: true }, okStatus: 404 },
  { method: 'post', route: '/api/v1/labeling/tasks/:id/undo', roles: LABELER, body: {}, okStatus: 404 },
  { method: 'post', route: '/api/v1/models/:model/labeling/undo', roles: LABELER, body: {}, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/slices', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/label-quality', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/slices/:key/:value/series', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/labeling', roles: LABELER, okStatus: 200 },
  { method: 'get', route: '/labeling/:model', roles: LABELER, okStatus: 404 },
  { method: 'post', route: '/labeling/:model/tasks/:id', roles: LABELER, body: { label: 'click' }, okStatus: 303 },
  { method: 'post', route: '/labeling/:model/undo', roles: LABELER, body: {}, okStatus: 404 },
  { method: 'post', route: '/labeling/:model/batches', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/api/v1/models/:model/alerts', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/feedback-report', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/models/:model/slices', roles: LABELER, okStatus: 404 },
  { method: 'post', route: '/models/:model/slices/labeling-batch', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'post', route: '/models/:model/slices/audit-batch', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/models/:model/quality', roles: LABELER, okStatus: 404 },
  { method: 'post', route: '/api/v1/models/:model/exports', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/api/v1/models/:model/exports', roles: ADMIN, okStatus: 404 },
  { method: 'get', route: '/api/v1/exports/:id', roles: ADMIN, okStatus: 404 },
  { method: 'get', route: '/api/v1/exports/:id/download', roles: ADMIN, okStatus: 404 },
  { method: 'delete', route: '/api/v1/exports/:id', roles: ADMIN, okStatus: 404 },
  { method: 'get', route: '/models/:model/exports', roles: ADMIN, okStatus: 404 },
  { method: 'post', route: '/models/:model/exports', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/models/:model/predictions', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/models/:model/predictions/:id', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/models/:model/settings', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/labeling-functions', roles: LABELER, okStatus: 404 },
  {
    method: 'put',
    route: '/api/v1/models/:model/labeling-functions/:name',
    roles: ADMIN,
    body: { kind: 'external' },
    okStatus: 404,
  },
  { method: 'get', route: '/api/v1/models/:model/labeling-functions/:name', roles: LABELER, okStatus: 404 },
  { method: 'delete', route: '/api/v1/models/:model/labeling-functions/:name', roles: ADMIN, okStatus: 404 },
  {
    method: 'post',
    route: '/api/v1/models/:model/lf-votes',
    roles: ['ingest'],
    body: { function: 'f', votes: [{ predictionId: 'p', label: 'x' }] },
    okStatus: 404,
  },
  { method: 'post', route: '/api/v1/models/:model/weak-runs', roles: ADMIN, body: { kind: 'fit' }, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/weak-runs/:id', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/models/:model/labeling-functions', roles: LABELER, okStatus: 404 },
  {
    method: 'post',
    route: '/models/:model/labeling-functions/:name/enabled',
    roles: ADMIN,
    body: { enabled: 'true' },
    okStatus: 404,
  },
  { method: 'post', route: '/api/v1/models/:model/baselines', roles: ADMIN, body: {}, okStatus: 400 },
  { method: 'get', route: '/api/v1/models/:model/baselines', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/drift', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/api/v1/models/:model/estimated-performance', roles: LABELER, okStatus: 404 },
  { method: 'get', route: '/models/:model/monitoring', roles: LABELER, okStatus: 404 },
];

/** Values for a route's :params: a model nobody registered, an id nothing has, a slice. */
const PARAMS: Record<string, () => string> = {
  model: () => 'route-check',
  id: () => randomUUID(),
  key: () => 'country',
  value: () => 'de',
  name: () => 'route-check-fn',
};

/** The route with each :param filled in, ready to request. */
export function pathOf(route: RouteRole): string {
  return route.route.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (!value) throw new Error(`no value for :${name} in ${route.route}; add one to PARAMS`);
    return value();
  });
}

export type Caller = 'anonymous' | TokenRole;
export const CALLERS: Caller[] = ['anonymous', 'ingest', 'labeler', 'admin'];

/** The status a caller should get: okStatus when allowed, else 401 (anonymous) or 403. */
export function expectedStatus(route: RouteRole, caller: Caller): number {
  if (route.roles === 'public') return route.okStatus;
  if (caller === 'anonymous') return 401;
  if (caller === 'admin' || route.roles.includes(caller)) return route.okStatus;
  return 403;
}
