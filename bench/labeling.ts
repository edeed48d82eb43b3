import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { ErrorDetail } from '../src/common/api-error.js';
import { openDatabase, sqliteFile } from '../src/database/data-source.js';
import { SeededRandom } from '../src/common/random.js';
import { compileModels, validatePrediction } from '../src/predictions/prediction-rows.js';
import { PREDICTION_COLUMNS, predictionValues } from '../src/predictions/predictions.repository.js';
import { withContextOf } from '../src/cli/runner.js';
import { loadConfig } from '../src/config/config.js';
import type { UpsertModelDto } from '../src/models/models.dto.js';
import { ModelsService } from '../src/models/models.service.js';
import { SliceRollups } from '../src/slices/rollups.service.js';
import { SlicesModule } from '../src/slices/slices.module.js';
import { memoryOf, profileFlags, startFlags } from './ingest/service.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TARGET_BATCH_MS = 300;
const TARGET_LEASE_P99_MS = 20;
const TARGET_PEAK_RSS_MB = 300;
const MODEL = 'bench-labeling';
// Imbalanced on purpose: balanced quotas must still give each class its fifth.
const CLASSES = [
  { name: 'browse', weight: 0.5 },
  { name: 'click', weight: 0.25 },
  { name: 'cart', weight: 0.13 },
  { name: 'purchase', weight: 0.08 },
  { name: 'return', weight: 0.04 },
];
const DEFINITION = {
  classes: CLASSES.map((c) => c.name),
  sliceKeys: ['country', 'device'],
  featureSchema: { price: { type: 'number', min: 0 }, country: { type: 'category', values: ['de', 'fr', 'us', 'gb'] } },
};

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    labelers: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    'think-ms': { type: 'string', default: '500' },
  },
});
const int = (name: keyof typeof opts) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** Unlabeled predictions straight into the migrated SQLite file, with the service's own derived columns. */
async function seed(dataDir: string, rows: number): Promise<number> {
  await (await openDatabase({ DATA_DIR: dataDir })).destroy();
  const db = new Database(sqliteFile(dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    `INSERT INTO predictions (${PREDICTION_COLUMNS.join(', ')}) VALUES (${PREDICTION_COLUMNS.map(() => '?').join(', ')})`,
  );
  const insertAll = db.transaction((batch: unknown[][]) => batch.forEach((values) => insert.run(values)));
  const models = compileModels([{ name: MODEL, ...DEFINITION, featureSchema: null }]);
  const random = new SeededRandom(1);
  const started = performance.now();
  const now = Date.now();
  for (let from = 0; from < rows; from += 1000) {
    const batch: unknown[][] = [];
    for (let i = from; i < Math.min(rows, from + 1000); i++) {
      const errors: ErrorDetail[] = [];
      const row = validatePrediction(predictionAt(i, random, now), i, { models, now, traceId: null }, errors);
      if (!row) throw new Error(`generated row ${i} is invalid: ${JSON.stringify(errors)}`);
      batch.push(predictionValues(row, now));
    }
    insertAll(batch);
  }
  db.pragma('optimize');
  db.close();
  // Rows inserted past the ingest have no tallies yet: the rebuild derives the slice and quality
  // cells the ingest would have kept, so labels given in the run move counts that exist.
  await withContextOf(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), [SlicesModule], async (app) => {
    await app.get(ModelsService).upsert(MODEL, DEFINITION as UpsertModelDto);
    await app.get(SliceRollups).rebuild(MODEL);
  });
  return (performance.now() - started) / 1000;
}

function predictionAt(i: number, random: SeededRandom, now: number) {
  let pick = random.next();
  const top = CLASSES.findIndex((c) => (pick -= c.weight) < 0);
  const raw = CLASSES.map(() => random.next() ** 3);
  raw[top === -1 ? 0 : top] += 0.5 + random.next();
  const sum = raw.reduce((a, b) => a + b, 0);
  const scores = Object.fromEntries(CLASSES.map((c, k) => [c.name, Math.round((raw[k] / sum) * 1e6) / 1e6]));
  const best = Object.entries(scores).sort((a, b) => b[1] - a[1])[0][0];
  return {
    id: `b-${i}`,
    model: MODEL,
    modelVersion: i % 10 === 0 ? 'v1' : 'v2',
    timestamp: new Date(now - 7 * 86_400_000 + Math.floor((i / 1_000_000) * 7 * 86_400_000)).toISOString(),
    features: { price: i % 997, country: ['de', 'fr', 'us', 'gb'][i % 4], device: i % 3 ? 'mobile' : 'desktop', sku: `sku-${i}` },
    prediction: best,
    scores,
  };
}

/** The built service as a child process on a loopback port. */
class Service {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly adminToken: string,
  ) {}

  static async start(dataDir: string): Promise<Service> {
    const port = await freePort();
    const adminToken = `bench_admin_${randomBytes(16).toString('hex')}`;
    // `npm start`'s node flags (its heap limit among them), as the service is deployed; with
    // BENCH_PROFILE_DIR, a V8 CPU profile of the service there (bench/ingest/profile-summary reads it).
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const args = [
      '--enable-source-maps',
      ...startFlags(),
      ...(profileDir ? profileFlags(profileDir) : []),
      resolve(ROOT, 'dist/src/main.js'),
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'warn',
        // JOB_RUNNER=thread in the bench's environment runs the service's jobs in their worker thread.
        ...(process.env.JOB_RUNNER ? { JOB_RUNNER: process.env.JOB_RUNNER } : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    process.once('exit', () => child.kill('SIGKILL'));
    const service = new Service(child, `http://127.0.0.1:${port}`, adminToken);
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`the service exited during start-up (code ${child.exitCode})`);
      if (
        await fetch(`${service.url}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return service;
    }
    throw new Error('the service did not become healthy within 120 s');
  }

  async request(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; ms: number }> {
    const started = performance.now();
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, ms };
  }

  /** The service's peak resident set size so far (VmHWM), in MB (10^6 bytes, as the other benches print it). */
  peakRssMb(): number {
    return memoryOf(this.child.pid ?? NaN).peak / 1e6;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000).then(() => this.child.kill('SIGKILL'))]);
  }
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

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function expectStatus<T>(call: Promise<{ status: number; body: unknown; ms: number }>, status: number, what: string) {
  const res = await call;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res as { status: number; body: T; ms: number };
}

/**
 * Labelers leasing, looking at the item for a think time drawn from [thinkMs / 2, 3 x thinkMs / 2)
 * (0: as fast as the service answers), and labeling, each starting at a random moment of one think
 * time; latencies as the client sees them. With floorOnly, the same callers at the same pace only
 * GET the model: what any authenticated request costs on this machine at that moment, to read the
 * lease figures against.
 */
async function labelFor(service: Service, tokens: string[], seconds: number, thinkMs: number, floorOnly = false) {
  const leases: number[] = [];
  const submits: number[] = [];
  let empty = 0;
  const until = performance.now() + seconds * 1000;
  const random = new SeededRandom(2);
  await Promise.all(
    tokens.map(async (token) => {
      // Each labeler starts at a random point of one think time: 20 people do not press their first
      // key in the same millisecond, and a burst of 20 requests at t = 0 was about 3% of a 15 s
      // run's samples, enough to be its p99 on its own (bench/README.md).
      if (thinkMs > 0) await sleep(thinkMs * random.next());
      while (performance.now() < until) {
        if (floorOnly) {
          leases.push((await expectStatus(service.request('GET', `/api/v1/models/${MODEL}`, token), 200, 'model')).ms);
          await sleep(thinkMs * (0.5 + random.next()));
          continue;
        }
        const next = await service.request('GET', `/api/v1/models/${MODEL}/labeling/next`, token);
        if (next.status === 204) {
          empty++;
          return;
        }
        if (next.status !== 200) throw new Error(`lease: ${next.status} ${JSON.stringify(next.body)}`);
        leases.push(next.ms);
        const { taskId } = next.body as { taskId: string };
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + random.next()));
        const label = CLASSES[random.int(CLASSES.length)].name;
        submits.push(
          (await expectStatus(service.request('POST', `/api/v1/labeling/tasks/${taskId}`, token, { label }), 200, 'submit')).ms,
        );
      }
    }),
  );
  return { leases: leases.sort((a, b) => a - b), submits: submits.sort((a, b) => a - b), empty, seconds };
}

type Labeling = Awaited<ReturnType<typeof labelFor>>;

/** Balanced batches of `size` over HTTP, one after another; each run's time as the client sees it. */
async function measureBatches(service: Service, size: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const body = { size, strategy: 'least_confidence', quotas: 'balanced' };
    const res = await expectStatus<{ filled: number; quotas: Record<string, { filled: number }> }>(
      service.request('POST', `/api/v1/models/${MODEL}/labeling-batches`, service.adminToken, body),
      201,
      'batch',
    );
    times.push(res.ms);
    const perClass = Object.entries(res.body.quotas).map(([c, q]) => `${c} ${q.filled}`);
    log(`batch ${run}: ${fmt(res.ms, 1)} ms, ${res.body.filled} items (${perClass.join(', ')}, rest audit)`);
  }
  return times;
}

async function labelerTokens(service: Service, n: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = { name: `labeler-${i}`, role: 'labeler' };
    const res = await expectStatus<{ token: string }>(
      service.request('POST', '/api/v1/tokens', service.adminToken, body),
      201,
      'token',
    );
    tokens.push(res.body.token);
  }
  return tokens;
}

function printResults(
  rows: number,
  size: number,
  batchMs: number[],
  labelers: number,
  phases: [string, Labeling, boolean][],
  peakRssMb: number,
) {
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  const median = [...batchMs].sort((a, b) => a - b)[Math.floor(batchMs.length / 2)];
  const line = ([name, l, target]: [string, Labeling, boolean]) => {
    const p99 = percentile(l.leases, 0.99);
    const empty = l.empty ? `, ${l.empty} labelers found the queue empty` : '';
    const goal = target ? `; target p99 <= ${TARGET_LEASE_P99_MS} ms: ${verdict(p99 <= TARGET_LEASE_P99_MS)}` : '';
    const lease = `${ms(percentile(l.leases, 0.5))} / ${ms(p99)} / ${ms(l.leases.at(-1) ?? NaN)}`;
    const submit = `${ms(percentile(l.submits, 0.5))} / ${ms(percentile(l.submits, 0.99))}`;
    return `| ${name} | ${fmt(l.leases.length)} | ${lease} | ${l.submits.length ? submit : '-'} | ${fmt(l.leases.length / l.seconds)}/s${empty}${goal} |`;
  };
  const runs = batchMs.map((b) => fmt(b, 1)).join(', ');
  console.log(`
| balanced batch of ${size} over ${fmt(rows)} predictions | median | runs | target |
|---|---|---|---|
| least_confidence | ${ms(median)} | ${runs} ms | <= ${TARGET_BATCH_MS} ms: ${verdict(median <= TARGET_BATCH_MS)} |

| ${labelers} callers | requests | lease (or GET) p50 / p99 / max | submit p50 / p99 | notes |
|---|---|---|---|---|
${phases.map(line).join('\n')}

service peak RSS (VmHWM): ${fmt(peakRssMb)} MB, target <= ${TARGET_PEAK_RSS_MB} MB: ${verdict(peakRssMb <= TARGET_PEAK_RSS_MB)}
`);
}

function saveResults(results: object): void {
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `labeling-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ cores: cpus().length, node: process.version, loadavg: loadavg(), ...results }));
  log(`results written to ${file}`);
}

async function main(): Promise<void> {
  const [rows, size, runs, labelers, seconds] = [int('rows'), int('size'), int('runs'), int('labelers'), int('seconds')];
  const thinkMs = Number(opts['think-ms']);
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, ${load()}`);
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-labeling-'));
  let service: Service | undefined;
  try {
    log(`seeding ${fmt(rows)} unlabeled predictions over ${CLASSES.length} classes`);
    log(`seeded in ${fmt(await seed(work, rows), 1)} s`);
    service = await Service.start(work);
    const batchMs = await measureBatches(service, size, runs);

    const queue = { size: 10_000, quotas: 'balanced' };
    const queued = await expectStatus(
      service.request('POST', `/api/v1/models/${MODEL}/labeling-batches`, service.adminToken, queue),
      201,
      'batch',
    );
    log(`queued 10,000 more items for the labelers in ${fmt(queued.ms, 1)} ms`);
    const tokens = await labelerTokens(service, labelers);
    log(`${labelers} callers for ${seconds} s, GET /api/v1/models/${MODEL} about every ${thinkMs} ms (the floor)`);
    const floor = await labelFor(service, tokens, seconds, thinkMs, true);
    log(`${labelers} labelers for ${seconds} s, about ${thinkMs} ms on each item`);
    const paced = await labelFor(service, tokens, seconds, thinkMs);
    log(`${labelers} labelers for ${seconds} s, no think time (saturation)`);
    const flat = await labelFor(service, tokens, seconds, 0);
    const peakRssMb = service.peakRssMb();
    printResults(
      rows,
      size,
      batchMs,
      labelers,
      [
        [`floor: GET of the model instead of a lease, same pace, ${seconds} s`, floor, false],
        [`about ${thinkMs} ms per item, ${seconds} s`, paced, true],
        [`no think time, ${seconds} s`, flat, false],
      ],
      peakRssMb,
    );
    log(load());
    saveResults({ rows, size, runs, labelers, seconds, thinkMs, batchMs, queueMs: queued.ms, floor, paced, flat, peakRssMb });
  } finally {
    await service?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
