import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import type { TestApp } from '../support/app.js';
import { type BrowserApp, startBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');

describe('signing in through the browser', () => {
  let app: BrowserApp | undefined;
  let t: TestApp;
  let baseUrl: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, baseUrl, browser } = app);
  });

  afterAll(() => app?.close());

  it('goes from a protected page to the login form, signs in with a token, shows who is signed in, and signs out', async () => {
    const token = await t.tokenFor('labeler', 'Lena Labeler');
    const page = await browser.newPage();

    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/');

    await page.getByLabel('API token').fill('rl_not_a_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('That token is not valid');

    await page.getByLabel('API token').fill(token);
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Lena Labeler');
    expect(await page.getByTestId('signed-in-user').textContent()).toBe('Lena Labeler');
    const cookies = await browser.cookies(baseUrl);
    expect(cookies.find((c) => c.name === 'relabel_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'login.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${baseUrl}/login`), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect((await browser.cookies(baseUrl)).some((c) => c.name === 'relabel_session')).toBe(false);
    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });
});
