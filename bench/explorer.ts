import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withContextOf } from '../src/cli/runner.js';
import { mulberry32 } from '../src/common/random.js';
import { loadConfig } from '../src/config/config.js';
import { Db } from '../src/database/db.js';
import { LabelHistoryService } from '../src/labels/label-history.service.js';
import { LabelsModule } from '../src/labels/labels.module.js';
import type { UpsertModelDto } from '../src/models/models.dto.js';
import { ModelsService } from '../src/models/models.service.js';
import type { PredictionFilter } from '../src/predictions/prediction-search.repository.js';
import { PredictionSearchService } from '../src/predictions/prediction-search.service.js';
import { PredictionsModule } from '../src/predictions/predictions.module.js';

const MODEL = 'explorer';
const CLASSES = ['buy', 'click', 'skip'];
const REGIONS = Array.from({ length: 45 }, (_, i) => `r${String(i).padStart(2, '0')}`);
const DEVICES = ['phone', 'tablet', 'desktop', 'tv', 'watch'];
const SOURCES = ['audit', 'manual', 'direct', 'implicit'];
const DAY = 86_400_000;
const PAGE = 50;
const USAGE = 'usage: npm run bench:explorer -- [--rows N] [--runs N]';

const log = (m: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function options() {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '20' } },
  });
  const int = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  return { rows: int(values.rows, 'rows'), runs: int(values.runs, 'runs') };
}

/**
 * 30 days of predictions, newest at now: 45 regions x 5 devices, 3 classes, versions v1 then v2; 40% labeled
 * (80% of those agreeing with the prediction), one outbox row per labeled prediction.
 */
function seed(db: Db, rows: number, now: number): void {
  const sqlite = db.sqlite;
  const prediction = sqlite.prepare(`INSERT INTO predictions (model, id, model_version, ts, features, prediction, scores, slices,
    least_confidence, margin, entropy, feature_hash, content_hash, received_at, effective_label, effective_source, labeled_at)
    VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?, 0.2, 0.9, 'f', 'c', ?, ?, ?, ?)`);
  const change = sqlite.prepare(
    'INSERT INTO label_changes (model, prediction_id, new_label, new_source, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const random = mulberry32(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const start = now - 30 * DAY;
  const insert = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const ts = start + Math.floor((30 * DAY * i) / rows);
      const slices = JSON.stringify({ region: pick(REGIONS), device: pick(DEVICES) });
      const predicted = pick(CLASSES);
      const labeled = random() < 0.4;
      const label = labeled ? (random() < 0.8 ? predicted : pick(CLASSES.filter((c) => c !== predicted))) : null;
      const source = labeled ? pick(SOURCES) : null;
      prediction.run(
        MODEL,
        `p${i}`,
        i < rows / 2 ? 'v1' : 'v2',
        ts,
        slices,
        predicted,
        slices,
        random(),
        ts,
        label,
        source,
        label ? ts : null,
      );
      if (label) change.run(MODEL, `p${i}`, label, source, ts + 1);
    }
  });
  for (let i = 0; i < rows; i += 100_000) insert(i, Math.min(rows, i + 100_000));
}

async function time(runs: number, fn: () => Promise<unknown>) {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
}

async function main(): Promise<void> {
  const { rows, runs } = options();
  const dataDir = mkdtempSync(join(tmpdir(), 'relabel-bench-explorer-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    await withContextOf(config, [PredictionsModule, LabelsModule], async (app) => {
      await app.get(ModelsService).upsert(MODEL, { classes: CLASSES, sliceKeys: ['region', 'device'] } as UpsertModelDto);
      const now = Date.now();
      let started = performance.now();
      seed(app.get(Db), rows, now);
      log(`seeded ${rows.toLocaleString('en-US')} predictions in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const search = app.get(PredictionSearchService);
      const cases: [string, PredictionFilter][] = [
        ['no filter', {}],
        ['predicted class', { predicted: 'buy' }],
        ['effective label + source', { label: 'skip', source: 'manual' }],
        ['unlabeled', { source: 'none' }],
        ['disagreement', { disagree: true }],
        ['one slice value', { slices: { region: 'r07' } }],
        ['two slice values', { slices: { region: 'r07', device: 'watch' } }],
        ['version', { version: 'v1' }],
        ['one day, 10 days ago', { from: now - 10 * DAY, to: now - 9 * DAY }],
        [
          'day + slices + disagreement',
          { from: now - 10 * DAY, to: now - 9 * DAY, slices: { region: 'r07', device: 'watch' }, disagree: true },
        ],
        ['no match (label never given)', { label: 'nothing' }],
        ['no match in one day', { from: now - 10 * DAY, to: now - 9 * DAY, label: 'nothing' }],
      ];
      console.log(`\n| filter | first page p50 / max (ms) | 5th page p50 (ms) | rows on page |`);
      console.log('|---|---|---|---|');
      for (const [name, filter] of cases) {
        const first = await time(runs, () => search.search(MODEL, filter, null, PAGE));
        let cursor = (await search.search(MODEL, filter, null, PAGE)).next;
        for (let i = 0; i < 3 && cursor; i++) cursor = (await search.search(MODEL, filter, cursor, PAGE)).next;
        const fifth = cursor ? await time(runs, () => search.search(MODEL, filter, cursor, PAGE)) : null;
        const shown = (await search.search(MODEL, filter, null, PAGE)).rows.length;
        console.log(
          `| ${name} | ${first.p50.toFixed(1)} / ${first.max.toFixed(1)} | ${fifth ? fifth.p50.toFixed(1) : '–'} | ${shown} |`,
        );
      }
      const history = app.get(LabelHistoryService);
      const changes = await time(runs, () => history.changesOf(MODEL, `p${Math.floor(rows / 3)}`));
      console.log(`one prediction's effective-label changes: p50 ${changes.p50.toFixed(2)} ms, max ${changes.max.toFixed(2)} ms`);
      started = performance.now();
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
