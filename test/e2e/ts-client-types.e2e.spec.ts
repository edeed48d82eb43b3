import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocumentInProcess, openApiTypes } from '../../src/cli/openapi.js';
import { startTestApp, type TestApp } from '../support/app.js';

const SCHEMA_FILE = resolve(import.meta.dirname, '../../clients/ts/src/schema.ts');

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the TypeScript client types', () => {
  it('are the types generated from the live /docs/json (run npm run openapi:types when this fails)', async () => {
    const res = await t.http().get('/docs/json').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    const generated = await openApiTypes(res.body as Parameters<typeof openApiTypes>[0]);
    expect(generated.split('\n')).toEqual(readFileSync(SCHEMA_FILE, 'utf8').split('\n'));
  });

  it('come from the same document npm run openapi writes without a server', async () => {
    const live = await t.http().get('/docs/json').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    expect(await openApiDocumentInProcess()).toEqual(live.body);
  });
});
