import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL, MODEL_DEFINITION } from './ingest/data.js';
import { type HttpIngestResult, type RunShape, sendBatches, serialiseBatches } from './ingest/http-ingest.js';
import { type LatencyResult, measureLatency } from './ingest/latency.js';
import { compareStores, type RawIngestResult, rawIngest, rawPrimaryKeyIngest } from './ingest/raw-ingest.js';
import { ROOT, Service } from './ingest/service.js';

/** Issue 11: against raw prepared inserts into a primary-key-only table, parsing the same bodies. */
const TARGET_RATIO = 0.5;
/** The earlier target, against the service's own schema with its indexes. */
const TARGET_RATIO_SCHEMA = 0.4;
const TARGET_PEAK_RSS_MB = 300;
const TARGET_P99_MS = 10;

const USAGE = `usage: npm run bench:ingest -- [--rows N] [--batch N] [--concurrency N]
                      [--rate R] [--seconds S] [--connections C] [--no-latency] [--profile] [--monitoring on|off]
                      [--node-flags="--max-semi-space-size=32 ..."]`;

interface Options {
  rows: number;
  batch: number;
  concurrency: number;
  rate: number;
  seconds: number;
  connections: number;
  latency: boolean;
  profile: boolean;
  monitoring: 'on' | 'off';
  nodeFlags: string[];
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '3' },
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '20' },
      connections: { type: 'string', default: '10' },
      'no-latency': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      monitoring: { type: 'string', default: 'on' },
      'node-flags': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: keyof typeof values, min: number, max: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}\n${USAGE}`);
    return n;
  };
  return {
    rows: int('rows', 1, 100_000_000),
    batch: int('batch', 1, 10_000),
    concurrency: int('concurrency', 1, 64),
    rate: int('rate', 1, 100_000),
    seconds: int('seconds', 1, 3600),
    connections: int('connections', 1, 1000),
    latency: !values['no-latency'],
    profile: values.profile,
    monitoring: monitoringOption(values.monitoring),
    nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
  };
}

function monitoringOption(v: string): 'on' | 'off' {
  if (v !== 'on' && v !== 'off') throw new Error(`--monitoring must be on or off\n${USAGE}`);
  return v;
}

/** Decimal megabytes (10^6 bytes), as the target is stated. */
const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** Other work on the machine skews every figure: the load average is printed with the results. */
function load(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

function memory(service: Service): string {
  const { rss, peak } = service.memory();
  return `${fmt(mb(rss))} MB (peak so far ${fmt(mb(peak))} MB)`;
}

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<number> {
  const opts = options();
  const work = mkdtempSync(join(tmpdir(), 'relabel-bench-'));
  const profileDir = opts.profile ? resolve(ROOT, 'bench/results/profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  let service: Service | undefined;
  const killService = () => service?.kill();
  process.once('exit', killService);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killService();
      rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  }

  try {
    const shape: RunShape = { rows: opts.rows, batchSize: opts.batch, startMs: Date.now() - 2 * 86_400_000, idPrefix: 'bulk-' };
    log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown cpu'}), Node ${process.version}, ${load()}`);
    log(
      `serialising ${fmt(shape.rows)} predictions into ${fmt(Math.ceil(shape.rows / shape.batchSize))} bodies of ${fmt(shape.batchSize)}`,
    );
    const bodies = serialiseBatches(shape);
    const bytes = bodies.reduce((sum, b) => sum + b.length, 0);
    log(`${fmt(mb(bytes))} MB of JSON, ${fmt(bytes / shape.rows)} bytes a row`);

    const serviceDir = join(work, 'service');
    service = await Service.start({ dataDir: serviceDir, profileDir, nodeFlags: opts.nodeFlags, profiles: opts.monitoring });
    log(`service pid ${service.pid} at ${service.baseUrl}, RSS after start ${fmt(mb(service.memory().rss))} MB`);
    const registered = await service.request('PUT', `/api/v1/models/${MODEL}`, service.adminToken, MODEL_DEFINITION);
    if (registered.status >= 300)
      throw new Error(`model registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    const created = await service.request('POST', '/api/v1/tokens', service.adminToken, { name: 'bench-ingest', role: 'ingest' });
    if (created.status !== 201) throw new Error(`token creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const token = (created.body as { token: string }).token;

    log(`HTTP: sending with ${opts.concurrency} requests in flight, feature profiles ${opts.monitoring}`);
    const http = await sendBatches(service, token, bodies, shape.rows, opts.concurrency);
    bodies.length = 0;
    log(
      `HTTP: ${fmt(http.rowsPerSecond)} rows/s (${fmt(http.seconds, 1)} s), service CPU ${fmt(http.serviceCpu * 100)}% of a core`,
    );

    log('raw: inserting the same rows with better-sqlite3');
    const rawDir = join(work, 'raw');
    const raw = await rawIngest(rawDir, shape);
    log(`raw (service schema): ${fmt(raw.rowsPerSecond)} rows/s (${fmt(raw.seconds, 1)} s inside transactions)`);
    const differences = compareStores(serviceDir, rawDir, shape);
    rmSync(rawDir, { recursive: true, force: true });
    log('raw: the same bodies parsed and inserted into a primary-key-only table');
    const pkDir = join(work, 'raw-pk');
    const rawPk = rawPrimaryKeyIngest(pkDir, shape);
    rmSync(pkDir, { recursive: true, force: true });
    log(`raw (primary key only): ${fmt(rawPk.rowsPerSecond)} rows/s (${fmt(rawPk.seconds, 1)} s parsing and inserting)`);
    printIngest(http, rawPk, raw, differences);

    let latency: LatencyResult | undefined;
    if (opts.latency) {
      const base = { rate: opts.rate, connections: opts.connections, startMs: shape.startMs };
      log(`latency: warm-up, 3 s at ${opts.rate} req/s`);
      log(`latency: service RSS ${memory(service)} before warm-up`);
      await measureLatency(service, token, { ...base, seconds: 3, idPrefix: 'warm-' });
      log(`latency: service RSS ${memory(service)} after warm-up`);
      log(`latency: ${opts.seconds} s at ${opts.rate} req/s over ${opts.connections} connections`);
      latency = await measureLatency(service, token, { ...base, seconds: opts.seconds, idPrefix: 'single-' });
      printLatency(latency, opts.connections);
    }

    const overallPeak = service.memory().peak;
    const exitCode = await service.stop();
    service = undefined;
    log(`service stopped (exit code ${exitCode}); ${load()}; peak RSS over the whole run ${fmt(mb(overallPeak))} MB`);
    saveResults(opts, { http, raw, rawPk, latency, overallPeakRss: overallPeak, differences, loadavgAtEnd: loadavg() });

    const failed =
      http.failures.length > 0 ||
      differences.length > 0 ||
      (latency !== undefined && (latency.non2xx > 0 || latency.errors > 0 || latency.timeouts > 0));
    if (failed) log('FAILED: some requests failed or the stored rows differ (see above)');
    return failed ? 1 : 0;
  } finally {
    if (service) await service.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function printIngest(http: HttpIngestResult, rawPk: RawIngestResult, raw: RawIngestResult, differences: string[]): void {
  const ratio = http.rowsPerSecond / rawPk.rowsPerSecond;
  const ratioSchema = http.rowsPerSecond / raw.rowsPerSecond;
  const rows: [string, string, string][] = [
    [
      'HTTP ingest (service)',
      `${fmt(http.rowsPerSecond)} rows/s`,
      `${fmt(http.rows)} rows in ${fmt(http.seconds, 1)} s, ${http.requests} requests`,
    ],
    [
      'raw, primary key only, same JSON parsed',
      `${fmt(rawPk.rowsPerSecond)} rows/s`,
      `${fmt(rawPk.seconds, 1)} s parsing and inside transactions`,
    ],
    ['ratio HTTP / raw (primary key only)', fmt(ratio, 2), `target >= ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)}`],
    ["raw, the service's schema", `${fmt(raw.rowsPerSecond)} rows/s`, `${fmt(raw.seconds, 1)} s inside transactions`],
    [
      "ratio HTTP / raw (service's schema)",
      fmt(ratioSchema, 2),
      `earlier target >= ${TARGET_RATIO_SCHEMA}: ${verdict(ratioSchema >= TARGET_RATIO_SCHEMA)}`,
    ],
    [
      'service peak RSS',
      `${fmt(mb(http.peakRss))} MB`,
      `target <= ${TARGET_PEAK_RSS_MB} MB: ${verdict(mb(http.peakRss) <= TARGET_PEAK_RSS_MB)}`,
    ],
    ['service CPU', `${fmt(http.serviceCpu * 100)}%`, 'of one core, while sending'],
    ['client CPU', `${fmt(http.clientCpu * 100)}%`, 'of one core, while sending'],
  ];
  console.log('\n' + table(['bulk ingest', 'value', 'notes'], rows));
  for (const failure of http.failures.slice(0, 10)) console.log(`  request failed: ${failure}`);
  if (differences.length === 0)
    console.log('  stored rows: service and raw tables hold the same rows (count and sampled columns)\n');
  else for (const d of differences) console.log(`  stored rows differ: ${d}`);
}

function printLatency(l: LatencyResult, connections: number): void {
  const codes = Object.entries(l.statusCodes)
    .map(([code, n]) => `${code}: ${fmt(n)}`)
    .join(', ');
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  const rows: [string, string, string, string][] = [
    [
      'requests',
      fmt(l.requests),
      '',
      `${fmt(l.requestsPerSecond)} req/s over ${fmt(l.seconds, 1)} s, ${connections} connections; ${codes}`,
    ],
    ['p50', ms(l.measured.p50), ms(l.autocannon.p50), ''],
    ['p90', ms(l.measured.p90), ms(l.autocannon.p90), ''],
    [
      'p99',
      ms(l.measured.p99),
      ms(l.autocannon.p99),
      `target <= ${TARGET_P99_MS} ms: measured ${verdict(l.measured.p99 <= TARGET_P99_MS)}, autocannon ${verdict(l.autocannon.p99 <= TARGET_P99_MS)}`,
    ],
    ['p99.9', ms(l.measured.p999), ms(l.autocannon.p999), ''],
    ['max', ms(l.measured.max), ms(l.autocannon.max), ''],
    ['non-2xx / errors / timeouts', `${l.non2xx} / ${l.errors} / ${l.timeouts}`, '', ''],
    ['service CPU', `${fmt(l.serviceCpu * 100)}%`, '', 'of one core'],
    ['service RSS', `${fmt(mb(l.rssAfter))} MB`, '', `was ${fmt(mb(l.rssBefore))} MB before this phase`],
  ];
  console.log('\n' + table(['single predictions', 'measured', 'autocannon', 'notes'], rows) + '\n');
  console.log(
    "  measured: each response's own time; autocannon: its histogram, whole ms, with its coordinated-omission correction\n",
  );
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const numeric = (c: number) => c > 0 && c < header.length - 1;
  const line = (r: string[]) =>
    `| ${r.map((cell, c) => (numeric(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function saveResults(opts: Options, results: object): void {
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ options: opts, node: process.version, cores: cpus().length, ...results }, null, 2));
  log(`results written to ${file}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
