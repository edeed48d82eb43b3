import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL } from './ingest/data.js';
import { BATCH, CONNECTIONS, DEFINITION, eventBodies, predictionBodies, predictionTs, send, waitFor } from './ingest/events-workload.js';
import { rawEvents } from './ingest/raw-events.js';
import { ROOT, Service } from './ingest/service.js';

const TARGET_EVENTS_PER_SECOND = 30_000;
const TARGET_CLOSE_SECONDS = 60;
const TARGET_PEAK_RSS_MB = 300;
/** Issue 11: end to end against raw insert + look-up + label insert of the same events. */
const TARGET_RAW_RATIO = 0.3;

const USAGE = 'usage: npm run bench:events -- [--predictions N] [--events M] [--profile]';

/** Click/purchase rules and an implicit "ignore" label after 30 minutes; windows may close 1 s after logging. */

function options(): { predictions: number; events: number; profile: boolean } {
  const { values } = parseArgs({
    options: {
      predictions: { type: 'string', default: '500000' },
      events: { type: 'string', default: '1000000' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: 'predictions' | 'events') => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 2 || n > 10_000_000)
      throw new Error(`--${name} must be an integer from 2 to 10,000,000\n${USAGE}`);
    return n;
  };
  return { predictions: int('predictions'), events: int('events'), profile: values.profile };
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Prediction i, logged 35 to 60 minutes ago: its 30-minute implicit window has already expired. */
async function main(): Promise<number> {
  const opts = options();
  const joining = Math.ceil(opts.events / 2);
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-events-'));
  let service: Service | undefined;
  process.once('exit', () => service?.kill());
  try {
    log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, ${load()}`);
    const nowMs = Date.now();
    const profileDir = opts.profile ? resolve(ROOT, 'bench/results/profiles') : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    service = await Service.start({ dataDir: join(work, 'service'), profileDir });
    const registered = await service.request('PUT', `/api/v1/models/${MODEL}`, service.adminToken, DEFINITION);
    if (registered.status >= 300)
      throw new Error(`model registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    const created = await service.request('POST', '/api/v1/tokens', service.adminToken, { name: 'bench-events', role: 'ingest' });
    if (created.status !== 201) throw new Error(`token creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const token = (created.body as { token: string }).token;

    // Predictions: their windows are due 1 s (eventGrace) after each is logged, so they close while and after they arrive.
    const predictions = predictionBodies(opts.predictions, nowMs);
    log(`predictions: sending ${fmt(opts.predictions)} in batches of ${BATCH} over ${CONNECTIONS} connections`);
    const predStart = performance.now();
    const pred = await send(service, token, '/api/v1/predictions', predictions);
    predictions.length = 0;
    if (pred.accepted !== opts.predictions) throw new Error(`predictions: ${pred.accepted} accepted of ${opts.predictions}`);
    log(`predictions: ${fmt(opts.predictions / pred.seconds)} rows/s (${fmt(pred.seconds, 1)} s), ${load()}`);
    const predEnd = performance.now();
    const closed = await waitFor(
      service,
      'relabel_effective_label_changes_total',
      ['source="implicit"'],
      opts.predictions,
      'window closing',
    );
    const closeFromFirstSent = (closed - predStart) / 1000;
    const closeAfterIngest = (closed - predEnd) / 1000;
    log(
      `windows: ${fmt(opts.predictions)} implicit labels ${fmt(closeFromFirstSent, 1)} s after the first prediction was sent, ` +
        `${fmt(closeAfterIngest, 1)} s after the last prediction was accepted; RSS peak ${fmt(mb(service.memory().peak))} MB`,
    );

    // Events: half click on a logged prediction (direct labels), half name predictions never logged (they stay pending).
    const events = eventBodies(opts.events, opts.predictions, nowMs);
    log(`events: sending ${fmt(opts.events)} (${fmt(joining)} joining) in batches of ${BATCH} over ${CONNECTIONS} connections`);
    const evStart = performance.now();
    const ev = await send(service, token, '/api/v1/events', events);
    events.length = 0;
    if (ev.accepted !== opts.events) throw new Error(`events: ${ev.accepted} accepted of ${opts.events}`);
    log(`events: HTTP ${fmt(opts.events / ev.seconds)} events/s accepted (${fmt(ev.seconds, 1)} s), ${load()}`);
    const joined = await waitFor(service, 'relabel_events_total', ['state="applied"', 'state="matched"'], joining, 'join');
    const joinSeconds = (joined - evStart) / 1000;
    const joinRate = joining / joinSeconds;
    log(`events: ${fmt(joining)} joined and applied ${fmt(joinSeconds, 1)} s after the first was sent`);

    const peak = mb(service.memory().peak);
    await service.stop();
    log('raw: the same event bodies into primary-key-only tables (insert, look-up, label insert)');
    const raw = rawEvents(
      join(work, 'raw'),
      { model: MODEL, count: opts.predictions, idOf: (i) => `p-${i}`, tsOf: (i) => predictionTs(i, nowMs) },
      eventBodies(opts.events, opts.predictions, nowMs),
    );
    const allRate = opts.events / joinSeconds;
    console.log(`
| ${fmt(opts.predictions)} predictions, ${fmt(opts.events)} events (${fmt(joining)} joining) | figure | target |
| --- | ---: | --- |
| predictions over HTTP | ${fmt(opts.predictions / pred.seconds)} rows/s (${fmt(pred.seconds, 1)} s) | |
| ${fmt(opts.predictions)} expired windows closed into implicit labels, from the first prediction sent | ${fmt(closeFromFirstSent, 1)} s | <= ${TARGET_CLOSE_SECONDS} s: ${verdict(closeFromFirstSent <= TARGET_CLOSE_SECONDS)} |
| … of which after the last prediction was accepted | ${fmt(closeAfterIngest, 1)} s | |
| events accepted over HTTP | ${fmt(opts.events / ev.seconds)} events/s (${fmt(ev.seconds, 1)} s) | |
| joining events applied, end to end (joined/s) | ${fmt(joinRate)} events/s (${fmt(joinSeconds, 1)} s) | >= ${fmt(TARGET_EVENTS_PER_SECOND)}/s: ${verdict(joinRate >= TARGET_EVENTS_PER_SECOND)} |
| all events, sent until every joining one applied (events/s) | ${fmt(opts.events / joinSeconds)} events/s | >= ${fmt(TARGET_EVENTS_PER_SECOND)}/s: ${verdict(opts.events / joinSeconds >= TARGET_EVENTS_PER_SECOND)} |
| raw better-sqlite3: parse, insert, look up the prediction, insert the label (${fmt(raw.labels)} labels) | ${fmt(raw.eventsPerSecond)} events/s (${fmt(raw.seconds, 1)} s) | |
| ratio all events end to end / raw | ${fmt(allRate / raw.eventsPerSecond, 2)} | >= ${TARGET_RAW_RATIO}: ${verdict(allRate / raw.eventsPerSecond >= TARGET_RAW_RATIO)} |
| ratio events accepted over HTTP / raw | ${fmt(opts.events / ev.seconds / raw.eventsPerSecond, 2)} | |
| service peak RSS (VmHWM) | ${fmt(peak)} MB | <= ${TARGET_PEAK_RSS_MB} MB: ${verdict(peak <= TARGET_PEAK_RSS_MB)} |
`);
    log(load());
    return 0;
  } finally {
    service?.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
