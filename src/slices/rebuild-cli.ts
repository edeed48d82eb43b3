import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiError } from '../common/api-error.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../database/data-source.js';
import { Db } from '../database/db.js';
import { LabelOutbox } from '../labels/label-outbox.repository.js';
import { ModelsRepository } from '../models/models.repository.js';
import { ModelsService } from '../models/models.service.js';
import { type CheckResult, SliceRollups } from './rollups.service.js';
import { SlicesRepository } from './slices.repository.js';

export const USAGE = `Usage: node dist/src/slices/rebuild-cli.js [--model <name>] [--check]

Recomputes the slice rollups of one model (or of every model) from the predictions and their
effective labels, replacing the live cells. With --check, only compares the live cells with a
recomputation and exits 1 when they differ. The database comes from the environment (DATA_DIR or
DATABASE_URL), as for the service. On SQLite a rebuild holds the database's writer while it runs.
`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** Runs the CLI; resolves to the exit code (0 ok, 1 cells differ or failure, 2 bad arguments). */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = processIo) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return 2;
  }
  const db = new Db(await openDatabase(config));
  try {
    const models = new ModelsService(new ModelsRepository(db));
    const rollups = new SliceRollups(db, new SlicesRepository(db), models, new LabelOutbox(db));
    if (values.check) {
      const names = values.model === undefined ? (await models.list()).map((m) => m.name) : [values.model];
      let differ = false;
      for (const name of names) {
        const result = await rollups.check(name);
        io.out(describeCheck(result));
        differ ||= result.mismatches > 0;
      }
      return differ ? 1 : 0;
    }
    for (const r of await rollups.rebuild(values.model)) {
      io.out(
        `${r.model}: ${r.predictions} labeled predictions, ${r.cells} cells` +
          (r.absorbed > 0 ? `, ${r.absorbed} pending label changes counted` : '') +
          '\n',
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof ApiError && error.getStatus() === 404) {
      io.err(`error: no model named ${values.model}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.exclusive(() => db.dataSource.destroy());
  }
}

export function describeCheck(r: CheckResult): string {
  const head =
    `${r.model}: ${r.cells} cells, ${r.mismatches} differ from the rows` +
    (r.pending > 0 ? ` (${r.pending} label changes still pending)` : '');
  const lines = r.examples.map(
    ({ cell: c, live, expected }) =>
      `  ${c.modelVersion} ${c.key}=${c.value} ${c.grain === 'all' ? 'all time' : `${c.grain} ${new Date(c.bucket).toISOString()}`} ${c.source} ${c.actual}/${c.predicted}: ${live}, expected ${expected}`,
  );
  return [head, ...lines].join('\n') + '\n';
}

function invokedDirectly(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`rebuild: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
