import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/app.js';
import { buildService, ChildService, freePort, PROJECT_ROOT } from '../support/child-service.js';
import { eventually } from '../support/eventually.js';

const dataDir = mkdtempSync(join(tmpdir(), 'relabel-process-'));
const adminToken = `rl_test_admin_${randomBytes(16).toString('hex')}`;
let service: ChildService | null = null;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  await buildService();
  const database = await createTestDatabase();
  dropDatabase = database?.drop;
  service = await ChildService.start({
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'info',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(process.env.TEST_REDIS_URL
      ? { REDIS_URL: process.env.TEST_REDIS_URL, QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}` }
      : {}),
  });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await dropDatabase?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the service as a process', () => {
  it('logs each request as a JSON line with its request id and trace id, and no credentials', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${service!.url}/api/v1/models`, {
      headers: {
        authorization: `Bearer ${adminToken}`,
        'x-request-id': 'req-log-check-1',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
    });
    expect(res.status).toBe(200);
    const line = await eventually(async () => {
      const found = service!.log
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { req?: { id?: string }; traceId?: string; msg?: string })
        .find((entry) => entry.req?.id === 'req-log-check-1');
      expect(found).toBeDefined();
      return found!;
    });
    expect(line).toMatchObject({ traceId, msg: 'request completed' });
    expect(service!.log).not.toContain(adminToken);
  });

  it('refuses to start on a bad environment, naming the variable', async () => {
    const run = promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', DATA_DIR: dataDir },
      timeout: 30_000,
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('PORT') });
  });
});
