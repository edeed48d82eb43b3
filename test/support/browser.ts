import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Headless Debian chromium as root, with nothing that reaches out to the (closed) network.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with a throwaway profile; close() ends it and removes the profile. */
export async function launchChromium(viewport?: {
  width: number;
  height: number;
}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'relabel-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    ...(viewport ? { viewport } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserApp {
  t: TestApp;
  /** Where the app listens, e.g. http://127.0.0.1:40123. */
  baseUrl: string;
  browser: BrowserContext;
  /** Ends the browser, then the app. */
  close(): Promise<void>;
}

/** The test app listening on a loopback port, and a browser to drive it. */
export async function startBrowserApp(viewport?: { width: number; height: number }): Promise<BrowserApp> {
  const t = await startTestApp();
  try {
    await t.app.listen(0, '127.0.0.1');
    const chrome = await launchChromium(viewport);
    return {
      t,
      baseUrl: `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`,
      browser: chrome.context,
      close: async () => {
        await chrome.close();
        await t.close();
      },
    };
  } catch (error) {
    await t.close();
    throw error;
  }
}

/**
 * For a describe block: starts a browser app before its tests (before the block's own beforeAll
 * hooks, which run in order) and ends it after them. Read t, baseUrl and browser once started.
 */
export function useBrowserApp(viewport?: { width: number; height: number }, timeoutMs = 60_000): Omit<BrowserApp, 'close'> {
  let app: BrowserApp | undefined;
  beforeAll(async () => {
    app = await startBrowserApp(viewport);
  }, timeoutMs);
  afterAll(() => app?.close());
  const started = () => {
    if (!app) throw new Error('the browser app is not started yet: use it in a hook or test');
    return app;
  };
  return {
    get t() {
      return started().t;
    },
    get baseUrl() {
      return started().baseUrl;
    },
    get browser() {
      return started().browser;
    },
  };
}

/** Signs in through the login form (replacing any session) and waits until it has sent the browser to path. */
export async function signInThroughForm(page: Page, baseUrl: string, token: string, path: string): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel('API token').fill(token);
  await Promise.all([page.waitForURL(`${baseUrl}${path}`), page.getByRole('button', { name: 'Sign in' }).click()]);
}
