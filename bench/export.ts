import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import { withContextOf } from '../src/cli/runner.js';
import { mulberry32 } from '../src/common/random.js';
import { loadConfig } from '../src/config/config.js';
import { sqliteFile } from '../src/database/data-source.js';
import { ExportRunner } from '../src/exports/export-runner.js';
import type { ExportFormat, Mitigation } from '../src/exports/export-row.js';
import { ExportsModule } from '../src/exports/exports.module.js';
import { ExportsRepository } from '../src/exports/exports.repository.js';
import type { UpsertModelDto } from '../src/models/models.dto.js';
import { ModelsModule } from '../src/models/models.module.js';
import { ModelsService } from '../src/models/models.service.js';

const MODEL = 'exports';
const CLASSES = ['buy', 'click', 'skip'];
const COUNTRIES = ['de', 'fr', 'us', 'es', 'it', 'pl', 'nl', 'se'];
const DEVICES = ['phone', 'tablet', 'desktop'];
const SOURCES = ['manual', 'audit', 'direct', 'implicit'];
const USAGE = 'usage: npm run bench:export -- [--rows N] [--keep]';
const RUNS: [ExportFormat, Mitigation, number][] = [
  ['csv', 'none', 100_000],
  ['parquet', 'none', 50_000],
  ['jsonl', 'none', 0],
  ['parquet', 'ips_weights', 0],
];
const MAX_RSS_MB = 300;

const log = (m: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Labeled predictions straight into SQLite: 4 features, 3 classes, 2 slice keys, exposure with propensity. */
function seed(file: string, rows: number): void {
  const sqlite = new Database(file);
  const insert = sqlite.prepare(`INSERT INTO predictions (model, id, model_version, ts, features, prediction, scores, slices,
    least_confidence, margin, entropy, feature_hash, content_hash, received_at, effective_label, effective_source, labeled_at,
    exposure_policy, propensity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0.4, 0.2, 0.9, 'f', 'c', ?, ?, ?, ?, ?, ?)`);
  const random = mulberry32(42);
  const start = Date.UTC(2026, 9, 1);
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const country = COUNTRIES[i % COUNTRIES.length];
      const device = DEVICES[i % DEVICES.length];
      const a = random();
      const b = random() * (1 - a);
      const predicted = CLASSES[Math.floor(random() * 3)];
      const explore = random() < 0.1;
      insert.run([
        MODEL,
        `p-${String(i).padStart(8, '0')}`,
        i % 4 === 0 ? 'v2' : 'v1',
        start + i * 2000,
        JSON.stringify({ price: Math.round(random() * 10_000) / 100, country, device, title: `item ${i % 5000} in ${country}` }),
        predicted,
        JSON.stringify({ buy: a, click: b, skip: 1 - a - b }),
        JSON.stringify({ country, device }),
        start + i * 2000,
        random() < 0.8 ? predicted : CLASSES[i % 3],
        SOURCES[i % SOURCES.length],
        start + i * 2000,
        explore ? 'explore' : 'model',
        explore ? 0.1 : 0.3 + random() * 0.7,
      ]);
    }
  });
  for (let from = 0; from < rows; from += 50_000) batch(from, Math.min(rows, from + 50_000));
  sqlite.close();
}

/** One export in this process (run as a child, so that its peak RSS is its own). */
function runOne(dataDir: string, format: ExportFormat, mitigation: Mitigation): Promise<void> {
  return withContextOf(loadConfig({ DATA_DIR: dataDir }), [ExportsModule], (app) => timeOne(app, format, mitigation));
}

async function timeOne(app: INestApplicationContext, format: ExportFormat, mitigation: Mitigation): Promise<void> {
  const exports = app.get(ExportsRepository);
  const runner = app.get(ExportRunner);
  const id = crypto.randomUUID();
  await exports.insert({
    id,
    model: MODEL,
    format,
    status: 'queued',
    parameters: {
      format,
      from: null,
      to: null,
      versions: [],
      labelSources: [],
      split: { validation: 0.1, by: 'random', seed: 1 },
      mitigation,
      maxIpsWeight: 20,
    },
    report: { model: MODEL, window: { from: null, to: null }, version: null, worst: 'ok', checks: [] },
    acknowledgement: null,
    requestedBy: 'bench',
    progress: 0,
    error: null,
    createdAt: Date.now(),
    startedAt: null,
    runToken: null,
    finishedAt: null,
    manifest: null,
  });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  await runner.run(id);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const entry = await exports.find(id);
  const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(
    JSON.stringify({
      rows: entry?.manifest?.rowCount ?? 0,
      seconds,
      bytes: entry?.manifest?.bytes ?? 0,
      maxRssMb: maxRss / 2 ** 20,
    }) + '\n',
  );
}

interface RunResult {
  rows: number;
  seconds: number;
  bytes: number;
  maxRssMb: number;
}

function child(dataDir: string, format: ExportFormat, mitigation: Mitigation): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [process.argv[1], '--run', format, '--mitigation', mitigation, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`export run exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as RunResult);
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      keep: { type: 'boolean', default: false },
      run: { type: 'string' },
      mitigation: { type: 'string', default: 'none' },
      'data-dir': { type: 'string' },
    },
  });
  if (values.run) {
    await runOne(values['data-dir']!, values.run as ExportFormat, values.mitigation as Mitigation);
    return 0;
  }
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer\n${USAGE}`);
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-export-'));
  try {
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    log(
      `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, load average ${load}`,
    );
    await withContextOf(loadConfig({ DATA_DIR: work }), [ModelsModule], (app) =>
      app.get(ModelsService).upsert(MODEL, {
        classes: CLASSES,
        sliceKeys: ['country', 'device'],
        featureSchema: {
          price: { type: 'number', min: 0 },
          country: { type: 'category', values: COUNTRIES },
          device: { type: 'category', values: DEVICES },
          title: { type: 'text' },
        },
      } as UpsertModelDto),
    );
    const started = performance.now();
    seed(sqliteFile(work), rows);
    log(
      `seeded ${fmt(rows)} labeled predictions in ${fmt((performance.now() - started) / 1000, 1)} s (${fmt(statSync(sqliteFile(work)).size / 2 ** 20)} MB)`,
    );
    let ok = true;
    for (const [format, mitigation, target] of RUNS) {
      const r = await child(work, format, mitigation);
      const rate = r.rows / r.seconds;
      const pass = r.rows === rows && rate >= target && r.maxRssMb <= MAX_RSS_MB;
      ok &&= pass;
      log(
        `${format.padEnd(7)} ${mitigation.padEnd(11)} ${fmt(r.rows)} rows in ${fmt(r.seconds, 1)} s = ${fmt(rate)} rows/s` +
          `${target ? ` (target ${fmt(target)})` : ''}, ${fmt(r.bytes / 2 ** 20)} MB file, peak RSS ${fmt(r.maxRssMb)} MB (limit ${MAX_RSS_MB}) ${pass ? 'ok' : 'MISSED'}`,
      );
    }
    return ok ? 0 : 1;
  } finally {
    if (values.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
