import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_NONCE_COOKIE, SESSION_COOKIE } from '../../src/auth/auth.service.js';
import { SESSION_TTL_MS, signSession } from '../../src/auth/session.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { cookieLine, openLoginForm, postLogin } from '../support/web.js';

/** Least privilege for ingest tokens on the web, and failed authentications limited per client address. */
let t: TestApp;
let ingest: string;
let labeler: string;
const LIMIT = 5;

beforeAll(async () => {
  t = await startTestApp({ AUTH_FAILURE_LIMIT: String(LIMIT) });
  ingest = await t.tokenFor('ingest', 'model-server');
  labeler = await t.tokenFor('labeler');
});
afterAll(() => t.close());

/** Requests arrive through the trusted loopback proxy, so X-Forwarded-For names the client. */
const from = (address: string) => ({
  get: (path: string) => t.http().get(path).set('X-Forwarded-For', address),
  login: async (token: string) => {
    const { nonce, csrf } = await openLoginForm(t.http);
    return t
      .http()
      .post('/login')
      .set('X-Forwarded-For', address)
      .set('Cookie', `${LOGIN_NONCE_COOKIE}=${nonce}`)
      .type('form')
      .send({ token, _csrf: csrf });
  },
});

describe('ingest tokens on the web', () => {
  it('cannot sign in: 403, a message saying why, and no session cookie', async () => {
    const res = await postLogin(t.http, ingest);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Ingest tokens are for model servers');
    expect(cookieLine(res, SESSION_COOKIE)).toBeUndefined();
  });

  it('cannot use a session cookie signed for one before this change, nor open the home page by Bearer', async () => {
    const row = await t.tables.get<{ value: string }>(`SELECT value FROM app_settings WHERE "key" = 'session_secret'`);
    const listing = await t.http().get('/api/v1/tokens').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    const id = (listing.body as { tokens: { id: string; name: string }[] }).tokens.find((x) => x.name === 'model-server')!.id;
    const cookie = `${SESSION_COOKIE}=${signSession({ tokenId: id, expiresAt: Date.now() + SESSION_TTL_MS }, row!.value)}`;
    await t.http().get('/').set('Cookie', cookie).set('Accept', 'application/json').expect(401);
    await t.http().get('/').set('Authorization', `Bearer ${ingest}`).expect(403);
  });

  it('still ingests by Bearer token', async () => {
    const res = await t.http().post('/api/v1/events').set('Authorization', `Bearer ${ingest}`).send({});
    expect(res.status).toBe(400);
  });
});

describe('failed authentications per client address', () => {
  it(`answers 429 with Retry-After after ${LIMIT} bad tokens, before checking the next one`, async () => {
    const client = from('203.0.113.7');
    for (let i = 0; i < LIMIT; i++) {
      expect((await client.get('/api/v1/models').set('Authorization', `Bearer rl_guess_${i}`)).status).toBe(401);
    }
    const refused = await client.get('/api/v1/models').set('Authorization', 'Bearer rl_guess_next');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, message: 'too_many_failed_authentications' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Even a good token waits: a guess that happened to be right must not be told apart.
    expect((await client.get('/api/v1/models').set('Authorization', `Bearer ${labeler}`)).status).toBe(429);
    // A request with no credentials costs nothing to check and still gets its 401.
    expect((await client.get('/api/v1/models')).status).toBe(401);
  });

  it('leaves other addresses alone', async () => {
    expect((await from('203.0.113.8').get('/api/v1/models').set('Authorization', `Bearer ${labeler}`)).status).toBe(200);
  });

  it(`refuses sign-in with 429 after ${LIMIT} failed ones from the address`, async () => {
    const client = from('198.51.100.20');
    for (let i = 0; i < LIMIT; i++) expect((await client.login(`rl_wrong_${i}`)).status).toBe(401);
    const refused = await client.login(labeler);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many failed sign-ins');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(cookieLine(refused, SESSION_COOKIE)).toBeUndefined();
    expect((await from('198.51.100.21').login(labeler)).status).toBe(303);
  });
});
