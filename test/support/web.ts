import type { Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { LOGIN_NONCE_COOKIE, SESSION_COOKIE } from '../../src/auth/auth.service.js';

/** A signed-in browser as the end-to-end tests play it: its session cookie header and CSRF token. */
export interface WebSession {
  cookie: string;
  csrf: string;
}

/** The Set-Cookie lines of a response. */
export function setCookies(res: Response): string[] {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** The Set-Cookie line for one cookie, with its attributes. */
export function cookieLine(res: Response, name: string): string | undefined {
  return setCookies(res).find((line) => line.startsWith(`${name}=`));
}

/** The decoded value of a cookie the response sets; throws when it sets none. */
export function cookieValue(res: Response, name: string): string {
  const line = cookieLine(res, name);
  if (!line) throw new Error(`no ${name} cookie set; got ${JSON.stringify(setCookies(res))}`);
  return decodeURIComponent(line.slice(name.length + 1).split(';')[0]);
}

/** The values of every hidden field of that name on a page, unescaped (Handlebars escapes "="). */
export function hiddenFields(html: string, name: string): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...html.matchAll(new RegExp(`name="${escaped}" value="([^"]*)"`, 'g'))].map((m) => m[1].replace(/&#x3D;/g, '='));
}

/** The first hidden field of that name; throws when the page has none. */
export function hiddenField(html: string, name: string): string {
  const [value] = hiddenFields(html, name);
  if (value === undefined) throw new Error(`no hidden ${name} field in page`);
  return value;
}

/** Every CSRF token field on a page. */
export const csrfFields = (html: string): string[] => hiddenFields(html, '_csrf');

/** GETs the login form: the response, its nonce cookie and its CSRF field. */
export async function openLoginForm(http: () => TestAgent, query = '') {
  const res = await http().get(`/login${query}`).set('Accept', 'text/html').expect(200);
  return { res, nonce: cookieValue(res, LOGIN_NONCE_COOKIE), csrf: hiddenField(res.text, '_csrf') };
}

/** Opens the login form and posts the token with it, as a browser does; resolves to the answer. */
export async function postLogin(http: () => TestAgent, token: string, next?: string): Promise<Response> {
  const { nonce, csrf } = await openLoginForm(http);
  return http()
    .post('/login')
    .set('Cookie', `${LOGIN_NONCE_COOKIE}=${nonce}`)
    .type('form')
    .send({ token, _csrf: csrf, ...(next === undefined ? {} : { next }) });
}

/** Signs in through the login form and reads the session's CSRF token from the home page. */
export async function signIn(http: () => TestAgent, token: string): Promise<WebSession> {
  const res = await postLogin(http, token);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}, not 303: ${res.text.slice(0, 500)}`);
  const cookie = `${SESSION_COOKIE}=${cookieValue(res, SESSION_COOKIE)}`;
  const home = await http().get('/').set('Cookie', cookie).expect(200);
  return { cookie, csrf: hiddenField(home.text, '_csrf') };
}

/** A page as the session sees it. */
export const openPage = (http: () => TestAgent, session: WebSession, path: string) =>
  http().get(path).set('Cookie', session.cookie).set('Accept', 'text/html');

/** A form post from the session, its CSRF token included. */
export const postForm = (http: () => TestAgent, session: WebSession, path: string, form: Record<string, string | string[]>) =>
  http()
    .post(path)
    .set('Cookie', session.cookie)
    .type('form')
    .send({ _csrf: session.csrf, ...form });

/** HTML as a reader sees it: the entities Handlebars writes (it escapes = as well as <, >, & and quotes) decoded. */
export function decodeHtml(html: string): string {
  return html
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
