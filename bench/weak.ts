import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { withContextOf } from '../src/cli/runner.js';
import { SeededRandom } from '../src/common/random.js';
import { loadConfig } from '../src/config/config.js';
import { sqliteFile } from '../src/database/data-source.js';
import type { UpsertModelDto } from '../src/models/models.dto.js';
import { ModelsModule } from '../src/models/models.module.js';
import { ModelsService } from '../src/models/models.service.js';
import { LabelModelService } from '../src/weak/label-model.service.js';
import { WeakModule } from '../src/weak/weak.module.js';
import { WeakRepository } from '../src/weak/weak.repository.js';

const MODEL = 'weak';
const CLASSES = ['ham', 'spam'];
const SPAM_PRIOR = 0.4;
const USAGE = 'usage: npm run bench:weak -- [--rows N] [--functions F] [--keep]';

const log = (m: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Single-polarity functions with known coverage and accuracy, as keyword functions are. */
function functionsOf(count: number) {
  const random = new SeededRandom(7);
  return Array.from({ length: count }, (_, j) => ({
    name: `lf_${String(j).padStart(2, '0')}`,
    votes: j % 2,
    coverage: random.between(0.05, 0.3),
    accuracy: random.between(0.6, 0.95),
  }));
}

/** Predictions, the functions (as external ones) and their sparse votes, straight into SQLite. */
function seed(file: string, rows: number, fns: ReturnType<typeof functionsOf>): number {
  const sqlite = new Database(file);
  const prediction = sqlite.prepare(`INSERT INTO predictions (model, id, model_version, ts, features, prediction, scores, slices,
    least_confidence, margin, entropy, feature_hash, content_hash, received_at) VALUES (?, ?, 'v1', ?, '{}', ?, '{}', '{}', 0.4, 0.2, 0.9, 'f', 'c', ?)`);
  const vote = sqlite.prepare(
    'INSERT INTO lf_votes (model, prediction_id, function_name, label, created_at) VALUES (?, ?, ?, ?, 0)',
  );
  const fn = sqlite.prepare(
    "INSERT INTO lf_functions (model, name, kind, definition, enabled, version, created_at, updated_at) VALUES (?, ?, 'external', ?, 1, 1, 0, 0)",
  );
  for (const f of fns) fn.run([MODEL, f.name, JSON.stringify({ kind: 'external', label: null })]);
  const random = new SeededRandom(42);
  let votes = 0;
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `p-${String(i).padStart(8, '0')}`;
      const truth = random.chance(SPAM_PRIOR) ? 1 : 0;
      prediction.run([MODEL, id, i * 1000, CLASSES[truth], i * 1000]);
      for (const f of fns) {
        const prior = f.votes === 1 ? SPAM_PRIOR : 1 - SPAM_PRIOR;
        const rate = truth === f.votes ? (f.coverage * f.accuracy) / prior : (f.coverage * (1 - f.accuracy)) / (1 - prior);
        if (random.chance(rate)) {
          vote.run([MODEL, id, f.name, CLASSES[f.votes]]);
          votes++;
        }
      }
    }
  });
  for (let from = 0; from < rows; from += 50_000) batch(from, Math.min(rows, from + 50_000));
  sqlite.close();
  return votes;
}

/** The fit in this process (a child, so that its peak RSS is its own). */
async function runFit(dataDir: string): Promise<void> {
  await withContextOf(loadConfig({ DATA_DIR: dataDir }), [WeakModule], async (app) => {
    const repo = app.get(WeakRepository);
    const id = randomUUID();
    await repo.insertRun({
      id,
      model: MODEL,
      kind: 'fit',
      status: 'running',
      progress: 0,
      result: null,
      error: null,
      createdAt: Date.now(),
      finishedAt: null,
    });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const result = await app.get(LabelModelService).fit(id, MODEL, async () => undefined);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    process.stdout.write(JSON.stringify({ seconds, maxRssMb: maxRss / 2 ** 20, result }) + '\n');
  });
}

function child(dataDir: string): Promise<{ seconds: number; maxRssMb: number; result: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [process.argv[1], '--run', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`fit exited with ${code}`)),
    );
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      functions: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      run: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
  });
  if (values.run) {
    await runFit(values['data-dir']!);
    return 0;
  }
  const rows = Number(values.rows);
  const count = Number(values.functions);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(count) || count < 1) throw new Error(USAGE);
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-weak-'));
  try {
    log(
      `machine: ${cpus().length} cores, Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    await withContextOf(loadConfig({ DATA_DIR: work }), [ModelsModule], (app) =>
      app.get(ModelsService).upsert(MODEL, { classes: CLASSES, sliceKeys: [] } as unknown as UpsertModelDto),
    );
    const fns = functionsOf(count);
    const seeded = performance.now();
    const votes = seed(sqliteFile(work), rows, fns);
    log(
      `seeded ${fmt(rows)} predictions, ${count} functions, ${fmt(votes)} votes in ${fmt((performance.now() - seeded) / 1000, 1)} s (${fmt(statSync(sqliteFile(work)).size / 2 ** 20)} MB)`,
    );
    const r = await child(work);
    const res = r.result as {
      method: string;
      covered: number;
      patterns: number;
      labelled: number;
      fitMs: number;
      functions: { name: string; estimatedAccuracy: number | null }[];
    };
    const errors = res.functions.map((f, j) => Math.abs((f.estimatedAccuracy ?? 0) - fns[j].accuracy));
    log(
      `fit + labels: ${fmt(r.seconds, 1)} s (fit pass ${fmt(res.fitMs / 1000, 1)} s over ${fmt(res.covered)} covered predictions, ` +
        `${fmt(res.patterns)} distinct vote patterns; ${fmt(res.labelled)} weak labels written), peak RSS ${fmt(r.maxRssMb)} MB, method ${res.method}`,
    );
    log(
      `estimated accuracies vs the true ones: mean abs error ${fmt(errors.reduce((a, b) => a + b, 0) / errors.length, 3)}, max ${fmt(Math.max(...errors), 3)}`,
    );
    const truth = new Database(sqliteFile(work), { readonly: true });
    const agree = truth
      .prepare(
        `SELECT COUNT(*) AS n, SUM(CASE WHEN l.label = p.prediction THEN 1 ELSE 0 END) AS ok FROM labels l
        JOIN predictions p ON p.model = l.model AND p.id = l.prediction_id WHERE l.model = ? AND l.source = 'weak'`,
      )
      .get(MODEL) as { n: number; ok: number };
    truth.close();
    log(`weak labels agree with the true class on ${fmt((100 * agree.ok) / Math.max(1, agree.n), 1)}% of ${fmt(agree.n)}`);
    return 0;
  } finally {
    if (!values.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
