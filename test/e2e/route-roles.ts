import { randomUUID } from 'node:crypto';
import type { TokenRole } from '../../src/auth/token.entity.js';

/**
 * Every route and who may call it, checked by auth.e2e.spec.ts for each caller: anonymous, ingest,
 * labeler and admin. Add your routes here. `roles` lists the roles allowed besides admin (admin passes
 * every check; `[]` means any signed-in role); `okStatus` is what an allowed caller gets with `body`.
 */
export interface RouteRole {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  roles: 'public' | TokenRole[];
  okStatus: number;
  body?: unknown;
  /** Sent as the Accept header; JSON unless a page is meant. */
  accept?: string;
}

export const ROUTE_ROLES: RouteRole[] = [
  { method: 'post', path: '/api/v1/tokens', roles: ['admin'], body: { name: 'route-check', role: 'ingest' }, okStatus: 201 },
  { method: 'get', path: '/api/v1/tokens', roles: ['admin'], okStatus: 200 },
  { method: 'delete', path: `/api/v1/tokens/${randomUUID()}`, roles: ['admin'], okStatus: 404 },
  { method: 'get', path: '/metrics', roles: ['admin'], okStatus: 200 },
  { method: 'get', path: '/docs/json', roles: ['admin'], okStatus: 200 },
  { method: 'get', path: '/health', roles: 'public', okStatus: 200 },
  { method: 'get', path: '/', roles: [], okStatus: 200 },
  { method: 'get', path: '/login', roles: 'public', okStatus: 200, accept: 'text/html' },
  // Allowed callers get past the guard and fail validation (400) or lookup (404): the guard runs first.
  { method: 'put', path: '/api/v1/models/route-check', roles: ['admin'], body: {}, okStatus: 400 },
  { method: 'get', path: '/api/v1/models', roles: [], okStatus: 200 },
  { method: 'get', path: '/api/v1/models/route-check', roles: [], okStatus: 404 },
  { method: 'post', path: '/api/v1/predictions', roles: ['ingest'], body: {}, okStatus: 400 },
  { method: 'get', path: '/api/v1/models/route-check/predictions/x', roles: [], okStatus: 404 },
  { method: 'post', path: '/api/v1/events', roles: ['ingest'], body: {}, okStatus: 400 },
  { method: 'post', path: '/api/v1/labels', roles: ['labeler'], body: {}, okStatus: 400 },
  { method: 'post', path: '/api/v1/models/route-check/labeling-batches', roles: ['admin'], body: {}, okStatus: 400 },
  { method: 'get', path: '/api/v1/models/route-check/labeling-batches', roles: ['labeler'], okStatus: 404 },
  { method: 'get', path: `/api/v1/labeling-batches/${randomUUID()}`, roles: ['labeler'], okStatus: 404 },
  { method: 'get', path: '/api/v1/models/route-check/labeling/next', roles: ['labeler'], okStatus: 404 },
  { method: 'post', path: `/api/v1/labeling/tasks/${randomUUID()}`, roles: ['labeler'], body: { skip: true }, okStatus: 404 },
  { method: 'post', path: `/api/v1/labeling/tasks/${randomUUID()}/undo`, roles: ['labeler'], body: {}, okStatus: 404 },
  { method: 'post', path: '/api/v1/models/route-check/labeling/undo', roles: ['labeler'], body: {}, okStatus: 404 },
  { method: 'get', path: '/api/v1/models/route-check/slices', roles: [], okStatus: 404 },
  { method: 'get', path: '/api/v1/models/route-check/slices/country/de/series', roles: [], okStatus: 404 },
  { method: 'get', path: '/labeling', roles: ['labeler'], okStatus: 200 },
  { method: 'get', path: '/labeling/route-check', roles: ['labeler'], okStatus: 404 },
  { method: 'post', path: '/labeling/route-check/undo', roles: ['labeler'], body: {}, okStatus: 404 },
  { method: 'get', path: '/api/v1/models/route-check/alerts', roles: [], okStatus: 404 },
  { method: 'get', path: '/api/v1/models/route-check/feedback-report', roles: [], okStatus: 404 },
  { method: 'get', path: '/models/route-check/slices', roles: [], okStatus: 404 },
  { method: 'post', path: '/models/route-check/slices/labeling-batch', roles: ['admin'], body: {}, okStatus: 400 },
  { method: 'post', path: '/api/v1/models/route-check/exports', roles: ['admin'], body: {}, okStatus: 400 },
  { method: 'get', path: '/api/v1/models/route-check/exports', roles: ['admin'], okStatus: 404 },
  { method: 'get', path: `/api/v1/exports/${randomUUID()}`, roles: ['admin'], okStatus: 404 },
  { method: 'get', path: `/api/v1/exports/${randomUUID()}/download`, roles: ['admin'], okStatus: 404 },
  { method: 'get', path: '/models/route-check/exports', roles: ['admin'], okStatus: 404 },
  { method: 'post', path: '/models/route-check/exports', roles: ['admin'], body: {}, okStatus: 400 },
];

export type Caller = 'anonymous' | TokenRole;
export const CALLERS: Caller[] = ['anonymous', 'ingest', 'labeler', 'admin'];

/** The status a caller should get: okStatus when allowed, else 401 (anonymous) or 403. */
export function expectedStatus(route: RouteRole, caller: Caller): number {
  if (route.roles === 'public') return route.okStatus;
  if (caller === 'anonymous') return 401;
  if (caller === 'admin' || route.roles.length === 0 || route.roles.includes(caller)) return route.okStatus;
  return 403;
}
