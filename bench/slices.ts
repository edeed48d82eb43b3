import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import { withContextOf } from '../src/cli/runner.js';
import { mulberry32 } from '../src/common/random.js';
import { loadConfig } from '../src/config/config.js';
import { sqliteFile } from '../src/database/data-source.js';
import { Db } from '../src/database/db.js';
import { EventsModule } from '../src/events/events.module.js';
import { JoinService } from '../src/events/join.service.js';
import type { UpsertModelDto } from '../src/models/models.dto.js';
import { ModelsService } from '../src/models/models.service.js';
import { type FlagThresholds, thresholdsOf } from '../src/slices/flagging.js';
import { buildReport, type CellSum } from '../src/slices/report.js';
import { SliceRollups } from '../src/slices/rollups.service.js';
import { SlicesModule } from '../src/slices/slices.module.js';
import { alignWindow } from '../src/slices/window.js';
import { memoryOf, startFlags } from './ingest/service.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MODEL = 'slices';
const CLASSES = ['buy', 'click', 'skip'];
const REGIONS = Array.from({ length: 45 }, (_, i) => `r${String(i).padStart(2, '0')}`);
const DEVICES = ['phone', 'tablet', 'desktop', 'tv', 'watch'];
const WEAK_REGION = 'r07';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TARGET_MS = 50;
const USAGE = 'usage: npm run bench:slices -- [--rows N] [--days D] [--calls N] [--join-rows N] [--backlog N] [--keep] [--help]';

const log = (m: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

function options() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      days: { type: 'string', default: '30' },
      calls: { type: 'string', default: '300' },
      'join-rows': { type: 'string', default: '100000' },
      backlog: { type: 'string', default: '0' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < (name === 'backlog' ? 0 : 1))
      throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  return {
    rows: int('rows'),
    days: int('days'),
    calls: int('calls'),
    joinRows: int('join-rows'),
    backlog: int('backlog'),
    keep: values.keep,
  };
}

const PREDICTION_SQL = `INSERT INTO predictions (model, id, model_version, ts, features, prediction, scores, slices, least_confidence,
  margin, entropy, feature_hash, content_hash, received_at, effective_label, effective_source, labeled_at)
  VALUES (?, ?, ?, ?, ?, ?, '{}', ?, 0.4, 0.2, 0.9, 'f', 'c', ?, ?, ?, ?)`;

/**
 * The fast path: labeled predictions (in time order, as labels arrive) with one outbox row each,
 * 80% correct except one weak region at 60%; sources 5% audit, 10% manual, 25% direct, 60% implicit.
 */
function seed(file: string, rows: number, start: number, end: number): void {
  const sqlite = new Database(file);
  const prediction = sqlite.prepare(PREDICTION_SQL);
  const change = sqlite.prepare(
    'INSERT INTO label_changes (model, prediction_id, new_label, new_source, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const insert = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const ts = start + Math.floor(((end - start) * i) / rows);
      const slices = JSON.stringify({ device: pick(DEVICES), region: pick(REGIONS) });
      const predicted = pick(CLASSES);
      const correct = random() < (slices.includes(WEAK_REGION) ? 0.6 : 0.8);
      const label = correct ? predicted : pick(CLASSES.filter((c) => c !== predicted));
      const r = random();
      const source = r < 0.05 ? 'audit' : r < 0.15 ? 'manual' : r < 0.4 ? 'direct' : 'implicit';
      const version = ts < (start + end) / 2 ? 'v1' : 'v2';
      prediction.run(MODEL, `p${i}`, version, ts, slices, predicted, slices, ts, label, source, ts);
      change.run(MODEL, `p${i}`, label, source, ts);
    }
  });
  for (let i = 0; i < rows; i += 100_000) insert(i, Math.min(rows, i + 100_000));
  sqlite.close();
}

/**
 * Registers `model` with a click rule and writes `count` fresh unlabeled predictions of it (ids
 * `${prefix}0`..), logged 10 minutes before `now`, each with one click event 9 minutes before `now`
 * that waits for the label join.
 */
async function seedClicks(app: INestApplicationContext, model: string, prefix: string, count: number, now: number) {
  await app.get(ModelsService).upsert(model, {
    classes: CLASSES,
    sliceKeys: ['region', 'device'],
    labelRules: [{ event: 'click', label: 'click', within: '30m', priority: 10 }],
  } as UpsertModelDto);
  const sqlite = app.get(Db).sqlite;
  const prediction = sqlite.prepare(PREDICTION_SQL);
  const event = sqlite.prepare(
    `INSERT INTO events (model, id, prediction_id, type, ts, state, content_hash, received_at) VALUES (?, ?, ?, 'click', ?, 'new', 'c', ?)`,
  );
  const insert = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const slices = JSON.stringify({ device: DEVICES[i % DEVICES.length], region: REGIONS[i % REGIONS.length] });
      prediction.run(model, `${prefix}${i}`, 'v2', now - 10 * 60_000, slices, CLASSES[i % 3], slices, now, null, null, null);
      event.run(model, `${prefix}e${i}`, `${prefix}${i}`, now - 9 * 60_000, now);
    }
  });
  for (let i = 0; i < count; i += 100_000) insert(i, Math.min(count, i + 100_000));
  // Rows written past the service: its maintained cells (quality, feedback) count them from the rows.
  await app.get(SliceRollups).rebuild(model);
}

/** The label join on fresh click events, and the rollup of the outbox rows it writes: both in rows/s. */
async function joinAndRollup(app: INestApplicationContext, rows: number) {
  const now = Date.now();
  await seedClicks(app, `${MODEL}-join`, 'j', rows, now);
  const join = app.get(JoinService);
  let started = performance.now();
  const { applied } = await join.tick(now);
  const joinSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const rolled = await app.get(SliceRollups).applyPending();
  const rollupSeconds = (performance.now() - started) / 1000;
  return { joinRate: applied / joinSeconds, rolled, rollupRate: rolled / rollupSeconds };
}

const BACKLOG_MODEL = `${MODEL}-backlog`;

/**
 * Issue 11, item 4's background load: `events` click events waiting for the label join, on fresh
 * predictions of a model of their own (so that the timed model's answers stay comparable with the raw
 * GROUP BY). The service finds them at start-up (the join's recovery) and joins and rolls them up
 * while the slice reads are timed.
 */
async function seedBacklog(app: INestApplicationContext, events: number): Promise<void> {
  await seedClicks(app, BACKLOG_MODEL, 'b', events, Date.now());
}

/** Backlog events the service has not joined yet, read from the database file beside it. */
function backlogLeft(file: string): number {
  const sqlite = new Database(file, { readonly: true });
  try {
    return (
      sqlite.prepare(`SELECT COUNT(*) AS n FROM events WHERE model = ? AND state = 'new'`).get(BACKLOG_MODEL) as { n: number }
    ).n;
  } finally {
    sqlite.close();
  }
}

/** The service (`node dist/src/main.js`) as a child process; resolves once /health answers. */
async function startService(dataDir: string, port: number, adminToken: string): Promise<ChildProcess> {
  // As deployed: `npm start`'s node flags (its heap limit) and NODE_ENV=production.
  const child = spawn(process.execPath, [...startFlags(), resolve(ROOT, 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      // JOB_RUNNER=thread in the bench's environment runs the service's jobs in a worker thread.
      ...(process.env.JOB_RUNNER ? { JOB_RUNNER: process.env.JOB_RUNNER } : {}),
      ...(process.env.JOB_STEP_BUDGET_MS ? { JOB_STEP_BUDGET_MS: process.env.JOB_STEP_BUDGET_MS } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    if (
      await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
  }
  child.kill('SIGKILL');
  throw new Error('the service did not become healthy within 60 s');
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function timeCalls(url: string, token: string, calls: number) {
  const get = async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body: unknown = await res.json();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  for (let i = 0; i < 10; i++) await get();
  const times: number[] = [];
  let body: unknown;
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    body = await get();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), body };
}

/** The same report from one GROUP BY over the raw prediction rows. */
function baseline(file: string, { from, to }: { from: number | null; to: number | null }, thresholds: FlagThresholds) {
  const sqlite = new Database(file, { readonly: true });
  const started = performance.now();
  const groups = sqlite
    .prepare(
      `SELECT json_extract(slices, '$.region') AS region, json_extract(slices, '$.device') AS device, effective_source AS source,
         effective_label AS actual, prediction AS predicted, COUNT(*) AS n
       FROM predictions WHERE model = ? AND effective_label IS NOT NULL AND ts >= ? AND ts < ? GROUP BY 1, 2, 3, 4, 5`,
    )
    .all(MODEL, from ?? -1, to ?? Number.MAX_SAFE_INTEGER) as {
    region: string;
    device: string;
    source: string;
    actual: string;
    predicted: string;
    n: number;
  }[];
  const cells: CellSum[] = [];
  const audit: CellSum[] = [];
  for (const g of groups) {
    const c = { actual: g.actual, predicted: g.predicted, n: g.n };
    cells.push(
      { key: '*', value: '*', ...c },
      { key: 'region', value: g.region, ...c },
      { key: 'device', value: g.device, ...c },
    );
    if (g.source === 'audit') audit.push({ key: '*', value: '*', ...c });
  }
  const report = buildReport({
    classes: CLASSES,
    keys: ['region', 'device'],
    cells,
    auditCells: audit,
    thresholds,
  });
  const ms = performance.now() - started;
  sqlite.close();
  return { ms, report };
}

/**
 * The report's numbers as text with object keys sorted, so that two equal answers compare equal;
 * with `shape`, only the fields `shape` has (the API adds audit-corrected estimates the raw GROUP BY
 * does not compute).
 */
function comparable(report: unknown, shape?: unknown): string {
  const project = (v: unknown, s: unknown): unknown =>
    Array.isArray(v) && Array.isArray(s)
      ? v.map((x, i) => project(x, s[i]))
      : v !== null && typeof v === 'object' && s !== null && typeof s === 'object'
        ? Object.fromEntries(
            Object.keys(s).map((k) => [k, project((v as Record<string, unknown>)[k], (s as Record<string, unknown>)[k])]),
          )
        : v;
  const { overall, audit, slices } = (shape === undefined ? report : project(report, shape)) as ReturnType<typeof buildReport>;
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  return JSON.stringify(sortKeys({ overall, audit, slices }));
}

async function main(): Promise<number> {
  const opts = options();
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-slices-'));
  let service: ChildProcess | undefined;
  process.once('exit', () => service?.kill('SIGKILL'));
  try {
    log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, ${load()}`);
    // The service's own modules on the bench database, as the CLIs build them; closed before the service starts.
    const { thresholds, mismatches } = await withContextOf(
      loadConfig({ DATA_DIR: work }),
      [SlicesModule, EventsModule],
      async (app) => {
        const models = app.get(ModelsService);
        const rollups = app.get(SliceRollups);
        await models.upsert(MODEL, { classes: CLASSES, sliceKeys: ['region', 'device'] } as UpsertModelDto);
        const end = Math.floor(Date.now() / HOUR) * HOUR;
        const start = end - opts.days * DAY;
        let started = performance.now();
        seed(sqliteFile(work), opts.rows, start, end);
        log(`seeded ${fmt(opts.rows)} labeled predictions and outbox rows in ${fmt((performance.now() - started) / 1000, 1)} s`);
        started = performance.now();
        const applied = await rollups.applyPending();
        const rollupSeconds = (performance.now() - started) / 1000;
        log(`rollup worker: ${fmt(applied)} outbox rows in ${fmt(rollupSeconds, 1)} s = ${fmt(applied / rollupSeconds)} rows/s`);
        started = performance.now();
        const check = await rollups.check(MODEL);
        log(
          `check: ${fmt(check.cells)} cells, ${check.mismatches} differ from a recomputation (${fmt((performance.now() - started) / 1000, 1)} s)`,
        );
        log(`label join vs rollup on ${fmt(opts.joinRows)} fresh click events`);
        const pace = await joinAndRollup(app, opts.joinRows);
        log(
          `label join: ${fmt(pace.joinRate)} labels/s; rollup of its ${fmt(pace.rolled)} outbox rows: ${fmt(pace.rollupRate)} rows/s`,
        );
        if (opts.backlog > 0) {
          started = performance.now();
          await seedBacklog(app, opts.backlog);
          log(
            `backlog: ${fmt(opts.backlog)} click events waiting for the label join (${fmt((performance.now() - started) / 1000, 1)} s)`,
          );
        }
        return { thresholds: thresholdsOf((await models.require(MODEL)).settings.alerts), mismatches: check.mismatches };
      },
    );

    const port = await freePort();
    const token = `bench_admin_${randomBytes(16).toString('hex')}`;
    service = await startService(work, port, token);
    const base = `http://127.0.0.1:${port}/api/v1/models/${MODEL}/slices`;
    // [name, query, window for the raw baseline (undefined: no baseline)]
    type Variant = [string, string, [number | null, number | null] | undefined];
    const window = (fromDays: number, toDays?: number): [string, [number, number | null]] => {
      const from = Date.now() - fromDays * DAY;
      const to = toDays === undefined ? null : Date.now() - toDays * DAY;
      const query = `?from=${new Date(from).toISOString()}${to === null ? '' : `&to=${new Date(to).toISOString()}`}`;
      return [query, [from, to]];
    };
    const variants: Variant[] = [
      ['report, all time', '', [null, null]],
      ['report, last 30 days', ...window(30)],
      ['report, last 7 days', ...window(7)],
      ['report, last 24 hours', ...window(1)],
      ['report, 22 to 8 days ago', ...window(22, 8)],
      ['report, v2 audit labels', '?version=v2&source=audit', undefined],
      [`series ${WEAK_REGION} by day`, `/region/${WEAK_REGION}/series?bucket=day`, undefined],
      [`series ${WEAK_REGION} by hour`, `/region/${WEAK_REGION}/series?bucket=hour`, undefined],
    ];
    const rows: string[][] = [];
    let mismatch = false;
    const backlog = () => (opts.backlog > 0 ? fmt(backlogLeft(sqliteFile(work))) : '-');
    if (opts.backlog > 0) log(`backlog left when the timing starts: ${backlog()} events`);
    for (const [name, query, span] of variants) {
      const api = await timeCalls(base + query, token, opts.calls);
      const left = backlog();
      let raw = '-';
      if (span !== undefined) {
        const b = baseline(sqliteFile(work), alignWindow(...span), thresholds);
        const [expected, got] = [comparable(b.report), comparable(api.body, b.report)];
        const same = expected === got;
        if (!same) log(`${name}: the API's answer differs from the raw one from character ${firstDifference(expected, got)}`);
        mismatch ||= !same;
        raw = `${fmt(b.ms)} ms (${same ? 'same answer' : 'ANSWER DIFFERS'})`;
      }
      const verdict = api.p99 <= TARGET_MS ? 'met' : 'MISSED';
      rows.push([name, `${fmt(api.p50, 1)} ms`, `${fmt(api.p99, 1)} ms ${verdict}`, raw, left]);
    }
    const under = opts.backlog > 0 ? `, while the service joins a backlog of ${fmt(opts.backlog)} events` : '';
    console.log(`\nslices API over HTTP, ${opts.calls} sequential calls each${under} (target p99 <= ${TARGET_MS} ms)`);
    console.log(table(['query', 'p50', 'p99', 'GROUP BY over raw rows', 'backlog left after'], rows));
    if (service.pid !== undefined)
      log(`service peak RSS (VmHWM, its job thread included): ${fmt(memoryOf(service.pid).peak / 1e6)} MB`);
    log(`done; ${load()}`);
    return mismatch || mismatches > 0 ? 1 : 0;
  } finally {
    service?.kill('SIGTERM');
    if (opts.keep) log(`kept the database in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `${i}: raw …${a.slice(Math.max(0, i - 80), i + 40)}… API …${b.slice(Math.max(0, i - 80), i + 40)}…`;
}

function table(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
