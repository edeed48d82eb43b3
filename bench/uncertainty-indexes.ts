import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { mulberry32 } from '../src/common/random.js';
import { openDatabase, sqliteFile } from '../src/database/data-source.js';
import { uncertainty } from '../src/predictions/uncertainty.js';

/**
 * Issue 11, item 2: which index structure lets active-learning selection stay fast without costing
 * ingest what three random-order score indexes cost. For each variant, the service's migrated
 * predictions table (its other indexes included) gets `--rows` rows, then 100,000 more are timed in
 * 1,000-row transactions, then the top 100 least-confidence candidates of each of 5 classes are read
 * with the selection's NOT EXISTS filters.
 */
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const ROWS = Number(values.rows);
const CLASSES: [string, number][] = [
  ['browse', 0.5],
  ['click', 0.25],
  ['cart', 0.13],
  ['purchase', 0.08],
  ['return', 0.04],
];

type Buckets = (lc: number, margin: number, entropy: number, k: number) => [number, number, number];
interface Variant {
  name: string;
  /** Index columns after (model, prediction); null: no selection index at all. */
  index: string | null;
  order: string;
  buckets: Buckets;
}

const geometric = (u: number) => (u > 0 ? Math.min(11, Math.floor(-Math.log2(Math.max(1e-300, 1 - u)))) : 0);
const VARIANTS: Variant[] = [
  { name: 'score (before)', index: 'least_confidence', order: 'least_confidence DESC', buckets: () => [0, 0, 0] },
  {
    name: 'bucket floor(x*16) (chosen)',
    index: 'least_confidence_bucket',
    order: 'least_confidence_bucket DESC, least_confidence DESC',
    buckets: (lc, m, e) => [Math.floor(lc * 16), Math.floor(m * 16), Math.floor(e * 8)],
  },
  {
    name: 'bucket floor(x*64)',
    index: 'least_confidence_bucket',
    order: 'least_confidence_bucket DESC, least_confidence DESC',
    buckets: (lc, m, e) => [Math.floor(lc * 64), Math.floor(m * 64), Math.floor(e * 32)],
  },
  {
    name: 'geometric, normalised by class count',
    index: 'least_confidence_bucket',
    order: 'least_confidence_bucket DESC, least_confidence DESC',
    buckets: (lc, m, e, k) => [geometric(lc / (1 - 1 / k)), geometric(1 - m), geometric(e / Math.log(k))],
  },
  { name: 'no selection index', index: null, order: 'least_confidence DESC', buckets: () => [0, 0, 0] },
];

const NOT_EXISTS = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.model = p.model AND l.prediction_id = p.id
    AND l.source IN ('manual', 'audit')) AND NOT EXISTS (SELECT 1 FROM labeling_tasks q WHERE q.model = p.model
    AND q.prediction_id = p.id AND q.status IN ('pending', 'leased'))`;

async function run(variant: Variant) {
  const dir = mkdtempSync(join(tmpdir(), 'relabel-bench-uindex-'));
  try {
    await (await openDatabase({ DATA_DIR: dir })).destroy();
    const db = new Database(sqliteFile(dir));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const name of ['least_confidence', 'margin', 'entropy']) db.exec(`DROP INDEX idx_predictions_${name}_bucket`);
    if (variant.index) {
      for (const column of variant.index === 'least_confidence'
        ? ['least_confidence', 'margin', 'entropy']
        : ['least_confidence_bucket', 'margin_bucket', 'entropy_bucket']) {
        db.exec(`CREATE INDEX i_${column} ON predictions (model, prediction, ${column})`);
      }
    }
    const columns = [
      'model',
      'id',
      'model_version',
      'ts',
      'features',
      'prediction',
      'scores',
      'slices',
      'least_confidence',
      'margin',
      'entropy',
      'feature_hash',
      'content_hash',
      'received_at',
      'least_confidence_bucket',
      'margin_bucket',
      'entropy_bucket',
    ];
    const insert = db.prepare(`INSERT INTO predictions (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    const random = mulberry32(1);
    const row = (i: number) => {
      let pick = random();
      const top = Math.max(
        0,
        CLASSES.findIndex(([, w]) => (pick -= w) < 0),
      );
      const raw = CLASSES.map(() => random() ** 3);
      raw[top] += 0.5 + random();
      const sum = raw.reduce((a, b) => a + b, 0);
      const p = raw.map((r) => r / sum);
      const best = CLASSES[p.indexOf(Math.max(...p))][0];
      const u = uncertainty(p);
      const scores = JSON.stringify(Object.fromEntries(CLASSES.map(([c], k) => [c, p[k]])));
      return ['m', `b-${i}`, 'v2', 1e12 + i, `{"price":${i % 997}}`, best, scores, '{}', u.leastConfidence, u.margin, u.entropy];
    };
    const batch = db.transaction((from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const r = row(i);
        const [lc, m, e] = variant.buckets(r[8] as number, r[9] as number, r[10] as number, CLASSES.length);
        insert.run([...r, 'h', 'c', 1e12 + i, lc, m, e]);
      }
    });
    for (let i = 0; i < ROWS; i += 1000) batch(i, 1000);
    const started = performance.now();
    for (let i = ROWS; i < ROWS + 100_000; i += 1000) batch(i, 1000);
    const insertRate = 100_000 / ((performance.now() - started) / 1000);
    const ranked = db.prepare(
      `SELECT p.id FROM predictions p WHERE p.model = ? AND p.prediction = ? AND ${NOT_EXISTS} ORDER BY p.${variant.order.replaceAll(', ', ', p.')} LIMIT 100`,
    );
    const exact = db.prepare(
      'SELECT id FROM predictions WHERE model = ? AND prediction = ? ORDER BY least_confidence DESC LIMIT 100',
    );
    const times: number[] = [];
    let same = true;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      const got = CLASSES.map(([c]) => ranked.all('m', c) as { id: string }[]);
      times.push(performance.now() - t);
      if (r === 0) {
        same = CLASSES.every(([c], k) => {
          const want = new Set((exact.all('m', c) as { id: string }[]).map((x) => x.id));
          return got[k].length === want.size && got[k].every((x) => want.has(x.id));
        });
      }
    }
    db.close();
    times.sort((a, b) => a - b);
    return { insertRate, medianSelectMs: times[2], same };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`${ROWS.toLocaleString('en-US')} rows, then 100,000 timed; load average ${loadavg()[0].toFixed(2)}`);
  console.log(
    '| index | rows/s inserted at size | top 100 x 5 classes (median of 5) | same rows as by score |\n|---|---:|---:|---|',
  );
  for (const variant of VARIANTS) {
    const r = await run(variant);
    console.log(
      `| ${variant.name} | ${Math.round(r.insertRate).toLocaleString('en-US')} | ${r.medianSelectMs.toFixed(1)} ms | ${r.same ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);
}

void main();
