import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOGIN_NONCE_COOKIE,
  SECURE_LOGIN_NONCE_COOKIE,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
} from '../../src/auth/auth.service.js';
import { SESSION_TTL_MS, signSession } from '../../src/auth/session.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieLine, cookieValue, hiddenField, openLoginForm, postLogin, signIn } from '../support/web.js';

describe('web sign-in, sessions and CSRF', () => {
  let t: TestApp;
  let labeler: string;

  beforeAll(async () => {
    t = await startTestApp();
    labeler = await t.tokenFor('labeler', 'Lena <b>Labeler</b>');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a browser without a session from a page to the login form, keeping where it was going', async () => {
    const res = await t.http().get('/').set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2F');
  });

  it('serves a login form with a CSRF token bound to an HttpOnly nonce cookie', async () => {
    const { res, csrf } = await openLoginForm(t.http);
    expect(res.text).toContain('<form method="post" action="/login"');
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookieLine(res, LOGIN_NONCE_COOKIE)).toMatch(/HttpOnly/);
  });

  it('trades a good token for a signed HttpOnly SameSite=Lax session cookie and redirects home', async () => {
    const res = await postLogin(t.http, labeler);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const line = cookieLine(res, SESSION_COOKIE)!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).not.toMatch(/Secure/);
    expect(line).toMatch(/Max-Age=43200/);
  });

  it('marks the session cookie Secure, named __Host-, when the request came over https', async () => {
    const form = await t.http().get('/login').set('X-Forwarded-Proto', 'https').set('Accept', 'text/html').expect(200);
    const nonce = cookieValue(form, SECURE_LOGIN_NONCE_COOKIE);
    expect(cookieLine(form, SECURE_LOGIN_NONCE_COOKIE)).toMatch(/Secure/);
    const res = await t
      .http()
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', `${SECURE_LOGIN_NONCE_COOKIE}=${nonce}`)
      .type('form')
      .send({ token: labeler, _csrf: hiddenField(form.text, '_csrf') });
    expect(res.status).toBe(303);
    const line = cookieLine(res, SECURE_SESSION_COOKIE)!;
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/Domain=/);
    expect(cookieLine(res, SESSION_COOKIE)).toBeUndefined();
  });

  it('shows the home page with who is signed in, escaping their name', async () => {
    const { cookie } = await signIn(t.http, labeler);
    const home = await t.http().get('/').set('Cookie', cookie).expect(200);
    expect(home.text).toContain('Lena &lt;b&gt;Labeler&lt;/b&gt;');
    expect(home.text).not.toContain('<b>Labeler</b>');
    expect(home.text).toContain('href="/labeling"');
    expect(home.text).not.toContain('href="/docs"');
    const admin = await signIn(t.http, t.adminToken);
    expect((await t.http().get('/').set('Cookie', admin.cookie).expect(200)).text).toContain('href="/docs"');
  });

  it('answers a bad token with the form again, an error and 401, and no session', async () => {
    const res = await postLogin(t.http, 'rl_wrong_token');
    expect(res.status).toBe(401);
    expect(res.text).toContain('That token is not valid');
    expect(cookieLine(res, SESSION_COOKIE)).toBeUndefined();
  });

  it('refuses a login post without the form CSRF token or with another nonce', async () => {
    const { nonce, csrf } = await openLoginForm(t.http);
    const other = await openLoginForm(t.http);
    const missing = await t
      .http()
      .post('/login')
      .set('Cookie', `${LOGIN_NONCE_COOKIE}=${nonce}`)
      .type('form')
      .send({ token: labeler });
    const crossed = await t
      .http()
      .post('/login')
      .set('Cookie', `${LOGIN_NONCE_COOKIE}=${other.nonce}`)
      .type('form')
      .send({ token: labeler, _csrf: csrf });
    for (const res of [missing, crossed]) {
      expect(res.status).toBe(403);
      expect(cookieLine(res, SESSION_COOKIE)).toBeUndefined();
    }
  });

  it.each([
    ['/labeling?model=churn', '/labeling?model=churn'],
    ['https://evil.example/phish', '/'],
    ['//evil.example/phish', '/'],
    ['/\\evil.example', '/'],
    [undefined, '/'],
  ])('after sign-in with next=%j goes to %s', async (next, location) => {
    const res = await postLogin(t.http, labeler, next);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(location);
  });

  it('never puts an absolute next URL into the login form', async () => {
    const { res } = await openLoginForm(t.http, `?next=${encodeURIComponent('https://evil.example/')}`);
    expect(hiddenField(res.text, 'next')).toBe('/');
  });

  it('requires the CSRF token for session callers on unsafe methods, by header or form field', async () => {
    const { cookie, csrf } = await signIn(t.http, t.adminToken);
    const without = await t.http().post('/api/v1/tokens').set('Cookie', cookie).send({ name: 'by-session', role: 'ingest' });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ message: 'invalid_csrf_token' });
    const wrong = await t
      .http()
      .post('/api/v1/tokens')
      .set('Cookie', cookie)
      .set('x-csrf-token', 'forged')
      .send({ name: 'x', role: 'ingest' });
    expect(wrong.status).toBe(403);
    await t
      .http()
      .post('/api/v1/tokens')
      .set('Cookie', cookie)
      .set('x-csrf-token', csrf)
      .send({ name: 'by-header', role: 'ingest' })
      .expect(201);
    await t
      .http()
      .post('/api/v1/tokens')
      .set('Cookie', cookie)
      .send({ name: 'by-field', role: 'ingest', _csrf: csrf })
      .expect(201);
  });

  it('does not ask Bearer callers for a CSRF token', async () => {
    await t
      .http()
      .post('/api/v1/tokens')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ name: 'api', role: 'ingest' })
      .expect(201);
  });

  it('judges a request with an Authorization header by it alone, ignoring a session cookie', async () => {
    const { cookie } = await signIn(t.http, t.adminToken);
    await t.http().get('/api/v1/tokens').set('Cookie', cookie).set('Authorization', 'Bearer rl_bad').expect(401);
  });

  it('logs out only with the CSRF token, and clears the session cookie', async () => {
    const { cookie, csrf } = await signIn(t.http, labeler);
    const refused = await t.http().post('/logout').set('Cookie', cookie).type('form').send({});
    expect(refused.status).toBe(403);
    const res = await t.http().post('/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(cookieLine(res, SESSION_COOKIE)).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('ends the sessions of a revoked token', async () => {
    const created = await t
      .http()
      .post('/api/v1/tokens')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ name: 'short-lived', role: 'labeler' });
    const { id, token } = created.body as { id: string; token: string };
    const { cookie } = await signIn(t.http, token);
    await t.http().delete(`/api/v1/tokens/${id}`).set('Authorization', `Bearer ${t.adminToken}`).expect(204);
    const page = await t.http().get('/').set('Cookie', cookie).set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/login/);
    await t.http().get('/').set('Cookie', cookie).set('Accept', 'application/json').expect(401);
  });

  it('keeps the session secret in app_settings, accepting cookies signed with it and refusing expired or tampered ones', async () => {
    const row = await t.tables.get<{ value: string }>(`SELECT value FROM app_settings WHERE "key" = 'session_secret'`);
    expect(row?.value.length).toBeGreaterThanOrEqual(32);
    const listing = await t.http().get('/api/v1/tokens').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    const adminId = (listing.body as { tokens: { id: string; name: string }[] }).tokens.find((x) => x.name === 'env-admin')!.id;
    const forge = (expiresAt: number, secret = row!.value) =>
      `${SESSION_COOKIE}=${signSession({ tokenId: adminId, expiresAt }, secret)}`;
    await t
      .http()
      .get('/api/v1/tokens')
      .set('Cookie', forge(Date.now() + SESSION_TTL_MS))
      .expect(200);
    await t
      .http()
      .get('/api/v1/tokens')
      .set('Cookie', forge(Date.now() - 1))
      .expect(401);
    await t
      .http()
      .get('/api/v1/tokens')
      .set('Cookie', forge(Date.now() + SESSION_TTL_MS, 'x'.repeat(43)))
      .expect(401);
  });
});

describe('SESSION_SECRET from the environment', () => {
  it('signs sessions instead of the stored secret', async () => {
    const secret = 'configured-session-secret-0123456789abcdef';
    const t = await startTestApp({ SESSION_SECRET: secret });
    try {
      const listing = await t.http().get('/api/v1/tokens').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
      const adminId = (listing.body as { tokens: { id: string }[] }).tokens[0].id;
      const cookie = `${SESSION_COOKIE}=${signSession({ tokenId: adminId, expiresAt: Date.now() + 60_000 }, secret)}`;
      await t.http().get('/api/v1/tokens').set('Cookie', cookie).expect(200);
    } finally {
      await t.close();
    }
  });
});
