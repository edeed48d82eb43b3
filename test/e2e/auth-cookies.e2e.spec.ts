import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURE_LOGIN_NONCE_COOKIE, SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../../src/auth/auth.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieLine, cookieValue, hiddenField, signIn } from '../support/web.js';

describe('logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('ends the session on the server: a copy of the cookie kept from before stops working', async () => {
    const labeler = await t.tokenFor('labeler', 'copycat');
    const { cookie, csrf } = await signIn(t.http, labeler);
    const copy = cookie;
    await t.http().get('/').set('Cookie', copy).set('Accept', 'application/json').expect(200);
    await t.http().post('/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf }).expect(303);
    await t.http().get('/').set('Cookie', copy).set('Accept', 'application/json').expect(401);
    const page = await t.http().get('/labeling').set('Cookie', copy).set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/login/);
    // Signing in again gives a session that works.
    const again = await signIn(t.http, labeler);
    await t.http().get('/').set('Cookie', again.cookie).set('Accept', 'application/json').expect(200);
  });
});

describe('session cookies behind an https PUBLIC_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A TLS proxy in front that the service does not trust for X-Forwarded-Proto: requests look like plain http.
    t = await startTestApp({ PUBLIC_URL: 'https://relabel.example' });
  });
  afterAll(() => t?.close());

  async function secureSignIn(token: string) {
    const form = await t.http().get('/login').set('Accept', 'text/html').expect(200);
    expect(cookieLine(form, SECURE_LOGIN_NONCE_COOKIE)).toMatch(/; Secure/);
    const res = await t
      .http()
      .post('/login')
      .set('Cookie', `${SECURE_LOGIN_NONCE_COOKIE}=${cookieValue(form, SECURE_LOGIN_NONCE_COOKIE)}`)
      .type('form')
      .send({ token, _csrf: hiddenField(form.text, '_csrf') });
    expect(res.status).toBe(303);
    return res;
  }

  it('are Secure and named __Host- even when the request reached the service over http', async () => {
    const res = await secureSignIn(await t.tokenFor('labeler'));
    expect(cookieLine(res, SECURE_SESSION_COOKIE)).toMatch(/HttpOnly; Secure|; Secure/);
    expect(cookieLine(res, SESSION_COOKIE)).toBeUndefined();
    const session = `${SECURE_SESSION_COOKIE}=${cookieValue(res, SECURE_SESSION_COOKIE)}`;
    await t.http().get('/').set('Cookie', session).set('Accept', 'application/json').expect(200);
  });

  it('ignore a session cookie under the plain name (as one planted over http would be)', async () => {
    const res = await secureSignIn(await t.tokenFor('labeler'));
    const planted = `${SESSION_COOKIE}=${cookieValue(res, SECURE_SESSION_COOKIE)}`;
    await t.http().get('/').set('Cookie', planted).set('Accept', 'application/json').expect(401);
  });
});

describe('COOKIE_SECURE=on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ COOKIE_SECURE: 'on' });
  });
  afterAll(() => t?.close());

  it('makes the login nonce and session cookies Secure on plain http', async () => {
    const form = await t.http().get('/login').set('Accept', 'text/html').expect(200);
    expect(cookieLine(form, SECURE_LOGIN_NONCE_COOKIE)).toMatch(/; Secure/);
  });
});
