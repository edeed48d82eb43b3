import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiError } from '../common/api-error.js';
import { ModelsService } from '../models/models.service.js';
import { type CheckResult, SliceRollups } from '../slices/rollups.service.js';
import { SlicesModule } from '../slices/slices.module.js';
import { type CliIo, type Env, processIo, runWhenInvoked, usageFailure, withAppContext } from './runner.js';

export const USAGE = `Usage: node dist/src/cli/rebuild.js [--model <name>] [--check]

Recomputes the slice rollups and the label-quality cells of one model (or of every model) from the
predictions, their effective labels and quality keys, replacing the live cells. With --check, only compares the live cells with a
recomputation and exits 1 when they differ. The database comes from the environment (DATA_DIR or
DATABASE_URL), as for the service. On SQLite a rebuild holds the database's writer while it runs.
`;

/** Runs the CLI; resolves to the exit code (0 ok, 1 cells differ or failure, 2 bad arguments). */
export async function main(argv: string[], env: Env = process.env, io: CliIo = processIo): Promise<number> {
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
    return usageFailure(io, error, USAGE);
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const { model, check } = values;
  return withAppContext(env, io, [SlicesModule], async (app) => {
    const models = app.get(ModelsService);
    const rollups = app.get(SliceRollups);
    try {
      if (check) {
        const names = model === undefined ? (await models.list()).map((m) => m.name) : [model];
        let differ = false;
        for (const name of names) {
          const result = await rollups.check(name);
          io.out(describeCheck(result));
          differ ||= result.mismatches > 0 || result.quality.mismatches > 0 || result.feedback.mismatches > 0;
        }
        return differ ? 1 : 0;
      }
      for (const r of await rollups.rebuild(model)) {
        io.out(
          `${r.model}: ${r.predictions} labeled predictions, ${r.cells} cells, ${r.qualityCells} quality cells, ${r.feedbackCells} feedback cells` +
            (r.absorbed > 0 ? `, ${r.absorbed} pending label changes counted` : '') +
            '\n',
        );
      }
      return 0;
    } catch (error) {
      if (error instanceof ApiError && error.getStatus() === 404) {
        io.err(`error: no model named ${model}\n`);
        return 1;
      }
      throw error;
    }
  });
}

export function describeCheck(r: CheckResult): string {
  const head =
    `${r.model}: ${r.cells} cells, ${r.mismatches} differ from the rows` +
    (r.pending > 0 ? ` (${r.pending} label changes still pending)` : '');
  const lines = r.examples.map(
    ({ cell: c, live, expected }) =>
      `  ${c.modelVersion} ${c.key}=${c.value} ${c.grain === 'all' ? 'all time' : `${c.grain} ${new Date(c.bucket).toISOString()}`} ${c.source} ${c.actual}/${c.predicted}: ${live}, expected ${expected}`,
  );
  const q = r.quality;
  const quality = [
    `${r.model}: ${q.cells} quality cells, ${q.mismatches} differ from the rows`,
    ...q.examples.map(
      ({ cell: c, live, expected }) =>
        `  ${c.modelVersion} ${c.key}=${c.value} ${c.grain === 'all' ? 'all time' : `${c.grain} ${new Date(c.bucket).toISOString()}`} predicted ${c.predicted} behaviour ${c.bSource || '-'}:${c.bLabel || '-'} human ${c.hSource || '-'}:${c.hLabel || '-'}: ${live}, expected ${expected}`,
    ),
  ];
  const f = r.feedback;
  const feedback = [
    `${r.model}: ${f.cells} feedback cells, ${f.mismatches} differ from the rows`,
    ...f.examples.map(
      ({ cell, live, expected }) => `  ${cell.split('\u0000').slice(1).join(' ')}: ${live}, expected ${expected}`,
    ),
  ];
  return [head, ...lines, ...quality, ...feedback].join('\n') + '\n';
}

runWhenInvoked(import.meta.url, 'rebuild', main);
