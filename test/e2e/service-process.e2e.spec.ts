import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildService, type ChildServiceSetup, PROJECT_ROOT, setUpChildService } from '../support/child-service.js';
import { eventually } from '../support/eventually.js';

let child: ChildServiceSetup | undefined;
let service: ChildService;

beforeAll(async () => {
  child = await setUpChildService({ LOG_LEVEL: 'info' }, 'relabel-process-');
  service = await child.start();
}, 180_000);

afterAll(() => child?.close());

describe('the service as a process', () => {
  it('logs each request as a JSON line with its request id and trace id, and no credentials', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${service.url}/api/v1/models`, {
      headers: {
        authorization: `Bearer ${child!.adminToken}`,
        'x-request-id': 'req-log-check-1',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
    });
    expect(res.status).toBe(200);
    const line = await eventually(async () => {
      const found = service.log
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { req?: { id?: string }; traceId?: string; msg?: string })
        .find((entry) => entry.req?.id === 'req-log-check-1');
      expect(found).toBeDefined();
      return found!;
    });
    expect(line).toMatchObject({ traceId, msg: 'request completed' });
    expect(service.log).not.toContain(child!.adminToken);
  });

  it('refuses to start on a bad environment, naming the variable', async () => {
    const run = promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty', DATA_DIR: child!.dataDir },
      timeout: 30_000,
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('PORT') });
  });
});
