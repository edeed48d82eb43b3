import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MODEL } from './ingest/data.js';
import { Databases } from './ingest/databases.js';
import { BATCH, CONNECTIONS, DEFINITION, eventBodies, predictionBodies, send, type Target, waitFor } from './ingest/events-workload.js';
import { roundRobin } from './ingest/round-robin.js';
import { ROOT, Service } from './ingest/service.js';

/**
 * Issue 11, item 7: the events workload of bench:events (predictions whose windows close as they
 * arrive, then events, half of them joining) on PostgreSQL + Redis, first against one process
 * (ROLE=all), then against two API processes (ROLE=api, behind a round-robin TCP balancer) and one
 * worker (ROLE=worker), each on a fresh database of its own PostgreSQL and Redis started here.
 * No target: the point is the shape, and where the time goes (CPU seconds of every process).
 */
const USAGE = 'usage: npm run bench:scale-out -- [--predictions N] [--events M] [--analyze] [--eager-autovacuum]';

const { values } = parseArgs({
  options: {
    predictions: { type: 'string', default: '100000' },
    events: { type: 'string', default: '200000' },
    /** ANALYZE the database after the first predictions batch, so the planner knows the tables' sizes. */
    analyze: { type: 'boolean', default: false },
    /** Autovacuum every 10 s and after 2% of a table changed, instead of every minute and 10-20%. */
    'eager-autovacuum': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const int = (name: 'predictions' | 'events') => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 2 || n > 10_000_000) throw new Error(`--${name} must be an integer from 2 to 10,000,000\n${USAGE}`);
  return n;
};
const PREDICTIONS = int('predictions');
const EVENTS = int('events');
const JOINING = Math.ceil(EVENTS / 2);

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** PostgreSQL settings for tables that are mostly queues (events, the outbox): vacuumed and analysed soon. */
const EAGER_AUTOVACUUM = ['autovacuum_naptime=10s', 'autovacuum_vacuum_scale_factor=0.02', 'autovacuum_analyze_scale_factor=0.02'];

interface Shape {
  name: string;
  apis: number;
  worker: boolean;
}

const SHAPES: Shape[] = [
  { name: 'one process (ROLE=all)', apis: 1, worker: false },
  { name: 'two API processes + one worker', apis: 2, worker: true },
];

interface Outcome {
  shape: Shape;
  predictionsPerSecond: number;
  windowsClosedSeconds: number;
  eventsAcceptedPerSecond: number;
  joinedSeconds: number;
  cpu: Record<string, number>;
  wallSeconds: number;
  peakRssMb: Record<string, number>;
  statements: { totalMs: number; calls: number; query: string }[];
}

/**
 * Every scrape costs each process a count of the waiting events (a gauge): polled at 10 Hz on three
 * processes that count was PostgreSQL's busiest statement, so the bench polls at 2 Hz (times +-0.5 s).
 */
const POLL_MS = 500;

async function run(shape: Shape, index: number, databases: Databases, work: string): Promise<Outcome> {
  const adminToken = `bench_admin_${randomBytes(16).toString('hex')}`;
  const env = {
    DATABASE_URL: await databases.create(`bench_scale_${index}_${randomBytes(3).toString('hex')}`),
    REDIS_URL: databases.redisUrl,
    QUEUE_PREFIX: `bench${index}${randomBytes(3).toString('hex')}`,
  };
  const dataDir = join(work, `service-${index}`);
  mkdirSync(dataDir, { recursive: true });
  const split = shape.worker || shape.apis > 1;
  const processes: Service[] = [];
  const names: string[] = [];
  const balancer: { close(): Promise<void> }[] = [];
  try {
    for (let k = 0; k < shape.apis; k++) {
      processes.push(await Service.start({ dataDir, adminToken, env: { ...env, ROLE: split ? 'api' : 'all' } }));
      names.push(split ? `api ${k + 1}` : 'service');
    }
    if (shape.worker) {
      processes.push(await Service.start({ dataDir, adminToken, env: { ...env, ROLE: 'worker' } }));
      names.push('worker');
    }
    const apis = processes.slice(0, shape.apis);
    let target: Target = apis[0];
    if (apis.length > 1) {
      const lb = await roundRobin(apis.map((a) => Number(new URL(a.baseUrl).port)));
      balancer.push(lb);
      target = { baseUrl: `http://127.0.0.1:${lb.port}`, adminToken };
    }
    log(`${shape.name}: ${names.map((n, k) => `${n} pid ${processes[k].pid}`).join(', ')}`);
    const registered = await apis[0].request('PUT', `/api/v1/models/${MODEL}`, adminToken, DEFINITION);
    if (registered.status >= 300) throw new Error(`model registration: ${registered.status} ${JSON.stringify(registered.body)}`);
    const created = await apis[0].request('POST', '/api/v1/tokens', adminToken, { name: 'bench-scale', role: 'ingest' });
    if (created.status !== 201) throw new Error(`token: ${created.status} ${JSON.stringify(created.body)}`);
    const token = (created.body as { token: string }).token;
    // Other API processes cache models for 2 s: let them all see the new one before the first batch.
    await sleep(2_500);

    const cpuBefore = processes.map((p) => p.cpuSeconds());
    const dbBefore = databases.cpuSeconds();
    const nowMs = Date.now();
    const started = performance.now();
    const predictions = predictionBodies(PREDICTIONS, nowMs);
    // --analyze: a tenth of the predictions, then fresh statistics, then the rest.
    const first = values.analyze ? predictions.splice(0, Math.max(1, Math.floor(predictions.length / 10))) : [];
    const head = first.length > 0 ? await send(target, token, '/api/v1/predictions', first) : { accepted: 0 };
    if (values.analyze) databases.analyze(env.DATABASE_URL);
    const rest = await send(target, token, '/api/v1/predictions', predictions);
    const pred = { accepted: head.accepted + rest.accepted, seconds: (performance.now() - started) / 1000 };
    if (pred.accepted !== PREDICTIONS) throw new Error(`predictions: ${pred.accepted} accepted of ${PREDICTIONS}`);
    log(`${shape.name}: predictions ${fmt(PREDICTIONS / pred.seconds)} rows/s (${fmt(pred.seconds, 1)} s), ${load()}`);
    const closed = await waitFor(processes, 'relabel_effective_label_changes_total', ['source="implicit"'], PREDICTIONS, 'window closing', POLL_MS);
    const windowsClosedSeconds = (closed - started) / 1000;
    log(`${shape.name}: ${fmt(PREDICTIONS)} windows closed ${fmt(windowsClosedSeconds, 1)} s after the first prediction was sent`);

    const events = eventBodies(EVENTS, PREDICTIONS, nowMs);
    const evStart = performance.now();
    const ev = await send(target, token, '/api/v1/events', events);
    if (ev.accepted !== EVENTS) throw new Error(`events: ${ev.accepted} accepted of ${EVENTS}`);
    log(`${shape.name}: events ${fmt(EVENTS / ev.seconds)} events/s accepted (${fmt(ev.seconds, 1)} s), ${load()}`);
    const joined = await waitFor(processes, 'relabel_events_total', ['state="applied"', 'state="matched"'], JOINING, 'join', POLL_MS);
    const joinedSeconds = (joined - evStart) / 1000;
    log(`${shape.name}: ${fmt(JOINING)} joining events applied ${fmt(joinedSeconds, 1)} s after the first was sent`);
    const wallSeconds = (performance.now() - started) / 1000;
    const dbAfter = databases.cpuSeconds();
    const cpu: Record<string, number> = {};
    processes.forEach((p, k) => (cpu[names[k]] = p.cpuSeconds() - cpuBefore[k]));
    cpu.postgres = dbAfter.postgres - dbBefore.postgres;
    cpu.redis = dbAfter.redis - dbBefore.redis;
    const peakRssMb: Record<string, number> = {};
    processes.forEach((p, k) => (peakRssMb[names[k]] = p.memory().peak / 1e6));
    const statements = databases.topStatements(env.DATABASE_URL);
    return {
      statements,
      shape,
      predictionsPerSecond: PREDICTIONS / pred.seconds,
      windowsClosedSeconds,
      eventsAcceptedPerSecond: EVENTS / ev.seconds,
      joinedSeconds,
      cpu,
      wallSeconds,
      peakRssMb,
    };
  } finally {
    for (const lb of balancer) await lb.close();
    for (const p of processes.reverse()) await p.stop();
  }
}

async function main(): Promise<void> {
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, ${load()}`);
  log(`${fmt(PREDICTIONS)} predictions and ${fmt(EVENTS)} events (${fmt(JOINING)} joining) in batches of ${BATCH} over ${CONNECTIONS} connections`);
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-scale-'));
  chmodSync(work, 0o755); // PostgreSQL runs as its own user under it
  let databases: Databases | undefined;
  process.once('exit', () => databases?.stop());
  try {
    databases = await Databases.start(
      join(work, 'db'),
      values['eager-autovacuum'] ? EAGER_AUTOVACUUM : [],
    );
    log(`PostgreSQL on ${databases.pgPort}, Redis on ${databases.redisPort}`);
    const outcomes: Outcome[] = [];
    for (const [k, shape] of SHAPES.entries()) outcomes.push(await run(shape, k, databases, work));
    const cpuText = (o: Outcome) =>
      Object.entries(o.cpu)
        .map(([n, s]) => `${n} ${fmt((100 * s) / o.wallSeconds)}%`)
        .join(', ');
    const rssText = (o: Outcome) =>
      Object.entries(o.peakRssMb)
        .map(([n, mb]) => `${n} ${fmt(mb)}`)
        .join(', ');
    console.log(`
| PostgreSQL + Redis, ${fmt(PREDICTIONS)} predictions, ${fmt(EVENTS)} events | ${outcomes.map((o) => o.shape.name).join(' | ')} |
| --- | ${outcomes.map(() => '---:').join(' | ')} |
| predictions over HTTP (rows/s) | ${outcomes.map((o) => fmt(o.predictionsPerSecond)).join(' | ')} |
| windows closed, from the first prediction sent (s) | ${outcomes.map((o) => fmt(o.windowsClosedSeconds, 1)).join(' | ')} |
| events accepted over HTTP (events/s) | ${outcomes.map((o) => fmt(o.eventsAcceptedPerSecond)).join(' | ')} |
| all events, sent until every joining one applied (events/s) | ${outcomes.map((o) => fmt(EVENTS / o.joinedSeconds)).join(' | ')} |
| CPU over the run (share of one core) | ${outcomes.map(cpuText).join(' | ')} |
| peak RSS (MB) | ${outcomes.map(rssText).join(' | ')} |
`);
    for (const o of outcomes) {
      console.log(`PostgreSQL's busiest statements, ${o.shape.name} (total ms, calls, statement):`);
      for (const st of o.statements) console.log(`  ${fmt(st.totalMs).padStart(8)} ms ${fmt(st.calls).padStart(9)}  ${st.query}`);
    }
    log(load());
    const dir = resolve(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `scale-out-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ cores: cpus().length, node: process.version, loadavg: loadavg(), PREDICTIONS, EVENTS, outcomes }));
    log(`results written to ${file}`);
  } finally {
    databases?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
