import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '../config/config.js';
import { buildOpenApiDocument } from '../ops/docs.js';
import { type CliIo, processIo, runWhenInvoked, UsageError, usageFailure } from './runner.js';

export const USAGE = `Usage: npm run openapi -- [--out <file.json>] [--types <file.ts>]

Writes relabel's OpenAPI document without a running server: the app is built in-process on a
temporary SQLite DATA_DIR (removed afterwards). --out writes the document (default: stdout);
--types also writes the TypeScript types generated from it with openapi-typescript.
`;

export const TYPES_HEADER = `/**
 * relabel's API types, generated from its OpenAPI document by openapi-typescript.
 * Do not edit: run \`npm run openapi:types\` (test/e2e/ts-client-types.e2e.spec.ts fails when this file drifts).
 */

`;

/** The OpenAPI document of the app as it is built for the service, on a throwaway database. */
export async function openApiDocumentInProcess(publicUrl?: string): Promise<OpenAPIObject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relabel-openapi-'));
  try {
    const { createApp } = await import('../app.factory.js');
    const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      return buildOpenApiDocument(app, publicUrl);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** clients/ts/src/schema.ts's text for a document: what `--types` writes and the drift test compares. */
export async function openApiTypes(document: OpenAPIObject): Promise<string> {
  // A devDependency: loaded only when types are asked for.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(document as never, { alphabetize: true, exportType: false, defaultNonNullable: false });
  return TYPES_HEADER + astToString(ast);
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, types: { type: 'string' } }, strict: true }));
  } catch (error) {
    return usageFailure(io, new UsageError(error instanceof Error ? error.message : String(error)), USAGE);
  }
  const document = await openApiDocumentInProcess();
  const json = `${JSON.stringify(document, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  else io.out(json);
  if (values.types) writeFileSync(values.types, await openApiTypes(document));
  return 0;
}

runWhenInvoked(import.meta.url, 'openapi', main);
