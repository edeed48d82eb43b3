import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromium);
if (!haveChromium && !process.env.VITEST_QUIET) {
  process.stderr.write(
    `\nrelabel: ${chromium} not found, so the browser tests are not run (apt-get install chromium; CI installs it).\n\n`,
  );
}

export default defineConfig({
  test: {
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['src/**/*.spec.ts', 'clients/ts/src/**/*.spec.ts'] } },
      {
        extends: true as const,
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e.spec.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
      },
      ...(haveChromium
        ? [
            {
              extends: true as const,
              test: {
                name: 'browser',
                include: ['test/browser/**/*.browser.spec.ts'],
                testTimeout: 60_000,
                hookTimeout: 120_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
