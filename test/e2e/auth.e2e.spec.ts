import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AdminBootstrap } from '../../src/auth/admin-bootstrap.js';
import { TokensService } from '../../src/auth/tokens.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { mountedRoutes } from '../support/routes.js';
import { CALLERS, type Caller, expectedStatus, pathOf, ROUTE_ROLES } from './route-roles.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface ListedToken {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

describe('access control over the API', () => {
  let t: TestApp;
  const tokens = {} as Record<Caller, string | null>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens.anonymous = null;
    tokens.admin = t.adminToken;
    tokens.ingest = await t.tokenFor('ingest');
    tokens.labeler = await t.tokenFor('labeler');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function listTokens(): Promise<ListedToken[]> {
    const res = await t.http().get('/api/v1/tokens').set(bearer(t.adminToken)).expect(200);
    return (res.body as { tokens: ListedToken[] }).tokens;
  }

  it('has a row in the route table for every route the router mounts, and no row for a route it does not', () => {
    const key = (r: { method: string; route: string }) => `${r.method.toUpperCase()} ${r.route}`;
    const mounted = mountedRoutes(t.app).map(key);
    const listed = ROUTE_ROLES.map(key);
    expect(mounted.length).toBeGreaterThan(40);
    expect(
      mounted.filter((route) => !listed.includes(route)),
      'mounted but missing from test/e2e/route-roles.ts',
    ).toEqual([]);
    expect(
      listed.filter((route) => !mounted.includes(route)),
      'in test/e2e/route-roles.ts but not mounted',
    ).toEqual([]);
    expect(
      listed.filter((route, i) => listed.indexOf(route) !== i),
      'listed twice',
    ).toEqual([]);
  });

  describe.each(ROUTE_ROLES)('$method $route', (route) => {
    it.each(CALLERS)('answers %s as the route table says', async (caller) => {
      const agent = t.http();
      let req = agent[route.method](pathOf(route)).set('Accept', route.accept ?? 'application/json');
      const token = tokens[caller];
      if (token) req = req.set(bearer(token));
      const res = route.body === undefined ? await req : await req.send(route.body as object);
      const expected = expectedStatus(route, caller);
      expect(res.status, JSON.stringify(res.body)).toBe(expected);
      if (expected !== route.okStatus && expected === 401)
        expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'missing_or_invalid_token' });
      if (expected !== route.okStatus && expected === 403)
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'role_not_allowed' });
    });
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'Bearer rl_not_a_real_token_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['an empty Bearer', 'Bearer '],
    ['another scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['the admin secret without a scheme', 'ADMIN'],
  ])('refuses %s with 401', async (_, header) => {
    const req = t.http().get('/api/v1/tokens');
    if (header) req.set('Authorization', header === 'ADMIN' ? t.adminToken : header);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'missing_or_invalid_token' });
  });

  it('refuses a labeler on an admin route with 403 role_not_allowed', async () => {
    const res = await t.http().get('/api/v1/tokens').set(bearer(tokens.labeler!));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'role_not_allowed' });
  });

  it('shows a new secret once, lists the token without it, and refuses it once revoked', async () => {
    const created = await t.http().post('/api/v1/tokens').set(bearer(t.adminToken)).send({ name: '  alice  ', role: 'labeler' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { id, token } = created.body as { id: string; token: string };
    expect(created.body).toMatchObject({ id: expect.any(String), name: 'alice', role: 'labeler' });
    expect(token).toMatch(/^rl_[A-Za-z0-9_-]{43}$/);

    const listing = await t.http().get('/api/v1/tokens').set(bearer(t.adminToken)).expect(200);
    const listed = (listing.body as { tokens: ListedToken[] }).tokens.find((row) => row.id === id);
    expect(listed).toMatchObject({ name: 'alice', role: 'labeler', createdBy: 'env-admin', revokedAt: null });
    expect(token.startsWith(listed!.prefix)).toBe(true);
    expect(listing.text).not.toContain(token);
    expect(Object.keys(listed!).sort()).toEqual([
      'createdAt',
      'createdBy',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'revokedAt',
      'role',
    ]);

    await t.http().get('/').set(bearer(token)).expect(200);
    await t.http().delete(`/api/v1/tokens/${id}`).set(bearer(t.adminToken)).expect(204);
    const after = await t.http().get('/').set(bearer(token)).set('Accept', 'application/json');
    expect(after.status).toBe(401);
    expect((await listTokens()).find((row) => row.id === id)?.revokedAt).toEqual(expect.any(String));
    await t.http().delete(`/api/v1/tokens/${id}`).set(bearer(t.adminToken)).expect(204);
  });

  it('records when a token was last used', async () => {
    const created = await t
      .http()
      .post('/api/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name: 'used', role: 'ingest' })
      .expect(201);
    const { id, token } = created.body as { id: string; token: string };
    expect((await listTokens()).find((row) => row.id === id)?.lastUsedAt).toBeNull();
    await t.http().get('/health').set(bearer(token)).expect(200);
    await vi.waitFor(async () =>
      expect((await listTokens()).find((row) => row.id === id)?.lastUsedAt).toEqual(expect.any(String)),
    );
  });

  it('documents the token routes in OpenAPI with Bearer auth', async () => {
    const res = await t.http().get('/docs/json').set(bearer(t.adminToken)).expect(200);
    const paths = (res.body as { paths: Record<string, Record<string, { security?: unknown[] }>> }).paths;
    expect(Object.keys(paths['/api/v1/tokens']).sort()).toEqual(['get', 'post']);
    expect(paths['/api/v1/tokens/{id}'].delete.security).toEqual([{ bearer: [] }]);
  });

  it('answers 404 token_not_found when revoking an unknown id', async () => {
    const res = await t.http().delete(`/api/v1/tokens/${randomUUID()}`).set(bearer(t.adminToken));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'token_not_found' });
  });

  it('lets an admin revoke the token it is using', async () => {
    const created = await t
      .http()
      .post('/api/v1/tokens')
      .set(bearer(t.adminToken))
      .send({ name: 'self', role: 'admin' })
      .expect(201);
    const { id, token } = created.body as { id: string; token: string };
    await t.http().delete(`/api/v1/tokens/${id}`).set(bearer(token)).expect(204);
    await t.http().get('/api/v1/tokens').set(bearer(token)).expect(401);
  });

  it.each([
    [{ name: '', role: 'labeler' }, 'name'],
    [{ name: '   ', role: 'labeler' }, 'name'],
    [{ name: 'x'.repeat(101), role: 'labeler' }, 'name'],
    [{ name: 'bob', role: 'root' }, 'role'],
    [{ role: 'labeler' }, 'name'],
    [{ name: 'bob', role: 'labeler', secret: 'mine' }, 'secret'],
  ])('rejects token creation with %j naming the bad field', async (body, field) => {
    const res = await t.http().post('/api/v1/tokens').set(bearer(t.adminToken)).send(body);
    expect(res.status).toBe(400);
    expect((res.body as { details: { field: string }[] }).details.map((d) => d.field)).toContain(field);
  });

  it('keeps the ADMIN_TOKEN as one admin token named env-admin, also when bootstrapped again', async () => {
    await t.app.get(AdminBootstrap).onApplicationBootstrap();
    const envAdmins = (await listTokens()).filter((row) => row.name === 'env-admin');
    expect(envAdmins).toHaveLength(1);
    expect(envAdmins[0]).toMatchObject({ role: 'admin', revokedAt: null, createdBy: 'environment' });
  });
});

async function capturingStdout<T>(written: string[], fn: () => Promise<T>): Promise<T> {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return await fn();
  } finally {
    write.mockRestore();
  }
}

describe('first start without ADMIN_TOKEN', () => {
  it('creates an admin token, prints it once with the login URL, and not again', async () => {
    const written: string[] = [];
    const t = await capturingStdout(written, async () => {
      const app = await startTestApp({ ADMIN_TOKEN: '', PUBLIC_URL: 'https://relabel.example.org' });
      await app.app.get(AdminBootstrap).onApplicationBootstrap();
      return app;
    });
    try {
      const banners = written.filter((text) => text.includes('admin token:'));
      expect(banners).toHaveLength(1);
      expect(banners[0]).toContain('https://relabel.example.org/login');
      const secret = /admin token: (rl_[A-Za-z0-9_-]{43})/.exec(banners[0])?.[1];
      expect(secret).toBeDefined();
      const res = await t.http().get('/api/v1/tokens').set(bearer(secret!)).expect(200);
      expect((res.body as { tokens: ListedToken[] }).tokens).toEqual([expect.objectContaining({ name: 'admin', role: 'admin' })]);
      await t.http().get('/api/v1/tokens').set(bearer(t.adminToken)).expect(401);
    } finally {
      await t.close();
    }
  });

  it('creates exactly one admin when several processes start at once with no admin left', async () => {
    const t = await capturingStdout([], () => startTestApp({ ADMIN_TOKEN: '' }));
    try {
      const service = t.app.get(TokensService);
      for (const token of await service.list()) await service.revoke(token.id);
      const secrets = await Promise.all(Array.from({ length: 6 }, (_, i) => service.createFirstAdmin(`racer-${i}`)));
      expect(secrets.filter((secret) => secret !== null)).toHaveLength(1);
      expect((await service.list()).filter((token) => token.revokedAt === null)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
