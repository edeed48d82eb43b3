import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../src/app.factory.js';
import { useBrowserApp } from '../support/browser.js';

const ARTIFACTS = join(ROOT_DIR, 'test-artifacts');

describe('signing in through the browser', () => {
  const app = useBrowserApp();

  it('goes from a protected page to the login form, signs in with a token, shows who is signed in, and signs out', async () => {
    const token = await app.t.tokenFor('labeler', 'Lena Labeler');
    const page = await app.browser.newPage();

    await page.goto(`${app.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/');

    await page.getByLabel('API token').fill('rl_not_a_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('That token is not valid');

    await page.getByLabel('API token').fill(token);
    await Promise.all([page.waitForURL(`${app.baseUrl}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Lena Labeler');
    expect(await page.getByTestId('signed-in-user').textContent()).toBe('Lena Labeler');
    const cookies = await app.browser.cookies(app.baseUrl);
    expect(cookies.find((c) => c.name === 'relabel_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'login.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${app.baseUrl}/login`), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect((await app.browser.cookies(app.baseUrl)).some((c) => c.name === 'relabel_session')).toBe(false);
    await page.goto(`${app.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.close();
  });
});
