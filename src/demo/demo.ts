import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoAdminToken, type AdminTokenChoice } from './admin-token.js';
import { RelabelClient, RelabelError } from '../../clients/ts/src/index.js';
import { DemoError } from './demo-error.js';
import { batchLines, DEMO_BATCH, type DemoBatch, ensureDemoBatch } from './labeling-batch.js';
import { assertPortFree, ServiceProcess } from './service-process.js';
import { MODEL_NAME } from './shop-world.js';
import { type LabelSample, Simulator } from './simulator.js';

const BACKFILL = { days: 2, perDay: 5000 };
const LIVE_RATE_PER_SECOND = 5;
const LABELLED_BY_HAND = 300;
const SAMPLE_SIZE = 300;
/** How long to wait for the label job to catch up with the backfill before printing the banner. */
const SETTLE_TIMEOUT_MS = 30_000;
/** Pages others are building; the banner lists each only when the service serves it. */
const OPTIONAL_PAGES = [
  { label: 'labeling queue', path: '/labeling' },
  { label: 'accuracy by slice', path: `/models/${MODEL_NAME}/slices` },
  { label: 'every model at a glance', path: '/' },
  { label: 'prediction explorer', path: `/models/${MODEL_NAME}/predictions` },
  { label: 'model settings', path: `/models/${MODEL_NAME}/settings` },
  { label: 'exports (admin)', path: `/models/${MODEL_NAME}/exports` },
  { label: 'labeling functions', path: `/models/${MODEL_NAME}/labeling-functions` },
  { label: 'monitoring (drift, label-free estimates)', path: `/models/${MODEL_NAME}/monitoring` },
];
const START_TIMEOUT_MS = 90_000;
const USAGE = 'usage: npm run demo [-- --no-live]   (env: PORT, DATA_DIR, ADMIN_TOKEN, DEMO_DURATION_S)';

interface DemoSettings {
  port: number;
  dataDir: string;
  live: boolean;
  durationS: number | null;
  publicUrl: string;
  localUrl: string;
}

let service: ServiceProcess | null = null;
let simulator: Simulator | null = null;
let stopping = false;
let firstSignalAt = 0;

/** `npm run demo`: the service on the embedded database, plus a simulator that gives every page data. */
async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2), process.env);
  mkdirSync(settings.dataDir, { recursive: true });
  const admin = demoAdminToken(settings.dataDir, process.env.ADMIN_TOKEN);
  const mainPath = resolve(import.meta.dirname, '../main.js');
  if (!existsSync(mainPath)) throw new DemoError(`${mainPath} is missing; run the demo with npm run demo, which builds first`);

  const host = process.env.HOST || '0.0.0.0';
  await assertPortFree(settings.port, host);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => onSignal(signal));

  say(`Starting relabel on port ${settings.port} (data in ${settings.dataDir})...`);
  service = new ServiceProcess({
    mainPath,
    url: settings.localUrl,
    env: {
      ...process.env,
      DATA_DIR: settings.dataDir,
      PORT: String(settings.port),
      ADMIN_TOKEN: admin.token,
      LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    },
  });
  void service.exited.then(({ code, signal }) => {
    if (!stopping) void shutdown(1, `the service exited (${signal ?? `code ${code}`}); its output is above`);
  });
  await service.waitHealthy(START_TIMEOUT_MS);

  simulator = new Simulator({ baseUrl: settings.localUrl, adminToken: admin.token, labelingFunctions: true, log: say });
  await setUpSimulator(simulator, admin);
  const total = BACKFILL.days * BACKFILL.perDay;
  say(`Sending ${total.toLocaleString('en')} predictions from the past ${BACKFILL.days} days...`);
  const backfilled = await simulator.backfill(BACKFILL);
  say("Making the monitoring baseline from the first day (Brazil's price feed switches to cents 12 hours ago)...");
  await simulator.createBaseline(BACKFILL.days);
  say(`Labelling ${LABELLED_BY_HAND} predictions by hand (token demo-labeler)...`);
  await simulator.labelByHand({ count: LABELLED_BY_HAND });
  say('Waiting for the label job to catch up...');
  const sample = await settledSample(simulator);
  say(`Setting up the labeling queue: a balanced batch of ${DEMO_BATCH.size} predictions...`);
  const batch = await labelingBatch(new RelabelClient({ url: settings.localUrl, token: admin.token }));
  const pages = await servedPages(settings.localUrl);
  process.stdout.write(banner(settings, admin, simulator, backfilled.accepted + backfilled.duplicates, sample, pages, batch));

  if (settings.live) {
    void simulator.run({ ratePerSecond: LIVE_RATE_PER_SECOND });
    const sim = simulator;
    setInterval(
      () =>
        say(
          `live: ${sim.totals.sent.toLocaleString('en')} predictions and ${sim.eventTotals.sent.toLocaleString('en')} events sent so far`,
        ),
      60_000,
    ).unref();
  }
  if (settings.durationS !== null)
    setTimeout(() => void shutdown(0, `DEMO_DURATION_S=${settings.durationS} elapsed`), settings.durationS * 1000);
}

/** Reads a sample back until the label job has caught up with it (or the wait is over). */
async function settledSample(sim: Simulator): Promise<LabelSample> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const sample = await sim.sampleLabels(SAMPLE_SIZE);
    if (sample.unsettled === 0 || Date.now() > deadline) return sample;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The demo's labeling batch; the demo goes on without one (and says why) when the service refuses it. */
async function labelingBatch(admin: RelabelClient): Promise<{ batch: DemoBatch; created: boolean } | null> {
  try {
    return await ensureDemoBatch(admin);
  } catch (error) {
    if (!(error instanceof RelabelError)) throw error;
    say(`(no labeling batch: ${error.message})`);
    return null;
  }
}

/** The pages among OPTIONAL_PAGES that the service answers with something other than 404. */
async function servedPages(localUrl: string): Promise<typeof OPTIONAL_PAGES> {
  const served: typeof OPTIONAL_PAGES = [];
  for (const page of OPTIONAL_PAGES) {
    try {
      const res = await fetch(`${localUrl}${page.path}`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status !== 404) served.push(page);
    } catch {
      // Not answering counts as not there.
    }
  }
  // The service logs the 404s it answered; let those lines come out before the banner.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return served;
}

async function setUpSimulator(sim: Simulator, admin: AdminTokenChoice): Promise<void> {
  try {
    await sim.setUp();
  } catch (error) {
    if (error instanceof RelabelError && (error.status === 401 || error.status === 403)) {
      const where = admin.file ? `the token in ${admin.file}` : 'ADMIN_TOKEN';
      throw new DemoError(
        `the service refused ${where} (${error.status}); it may have been revoked. ${admin.file ? 'Delete that file' : 'Set another ADMIN_TOKEN'} and start again.`,
      );
    }
    throw error;
  }
}

function readSettings(args: string[], env: NodeJS.ProcessEnv): DemoSettings {
  const unknown = args.filter((a) => a !== '--no-live');
  if (unknown.length > 0) throw new DemoError(`unknown argument ${unknown.join(' ')}\n${USAGE}`);
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DemoError(`PORT must be a port number from 1 to 65535 (got "${env.PORT}")`);
  const durationText = env.DEMO_DURATION_S;
  const durationS = durationText ? Number(durationText) : null;
  if (durationS !== null && !(Number.isFinite(durationS) && durationS >= 0)) {
    throw new DemoError(`DEMO_DURATION_S must be a number of seconds (got "${durationText}")`);
  }
  const host = env.HOST && env.HOST !== '0.0.0.0' && env.HOST !== '::' ? env.HOST : '127.0.0.1';
  return {
    port,
    dataDir: resolve(env.DATA_DIR || './data'),
    live: !args.includes('--no-live'),
    durationS,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    localUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
  };
}

function banner(
  s: DemoSettings,
  admin: AdminTokenChoice,
  sim: Simulator,
  predictions: number,
  sample: LabelSample,
  pages: typeof OPTIONAL_PAGES,
  labeling: { batch: DemoBatch; created: boolean } | null,
): string {
  const kept = admin.source === 'environment' ? '(your ADMIN_TOKEN)' : `(kept in ${admin.file}, reused by the next npm run demo)`;
  const n = (x: number) => x.toLocaleString('en');
  const ev = sim.eventTotals;
  const manual = sim.manualTotals;
  const ids = sim.predictionIds();
  const log = `${s.publicUrl}/api/v1/models/${MODEL_NAME}/predictions/`;
  const link = (label: string, id: string | undefined) =>
    id ? [`     ${label.padEnd(15)} ${log}${encodeURIComponent(id)}`] : [];
  const { withLabel, effective } = sample;
  const lines = [
    `relabel demo is ready at ${s.publicUrl}`,
    '',
    `  1. Sign in at      ${s.publicUrl}/login`,
    `     with the token  ${admin.token}`,
    `                     ${kept}`,
    '',
    `  2. Look around: "${MODEL_NAME}" just got ${n(predictions)} predictions spread over the past ${BACKFILL.days} days,`,
    `     and its users' clicks and purchases: ${n(ev.sent)} events (${n(ev.joined)} joined at once, ${n(ev.pending)} sent`,
    `     before their prediction and joined when it came, ${n(ev.late)} late: after their window, changing nothing).`,
    `     ${n(manual.sent)} predictions were labelled by hand (token demo-labeler; ${n(manual.agreeWithTruth)} agree with what the user did).`,
    `     A sample of ${n(sample.predictions)} predictions, read back: ${n(withLabel.direct)} have a direct label, ${n(withLabel.implicit)} an implicit one,`,
    `     ${n(withLabel.manual)} a manual one; the effective label is direct for ${n(effective.direct)}, implicit for ${n(effective.implicit)},`,
    `     manual for ${n(effective.manual)}, and not there yet for ${n(effective.none)} ${sample.unsettled === 0 ? '(the newest: their window is still open)' : `(the label job is still catching up with ${n(sample.unsettled)})`}.`,
    '',
    `     home            ${s.publicUrl}/`,
    `     API docs        ${s.publicUrl}/docs`,
    ...pages.map((page) => `     ${page.label.padEnd(15)} ${s.publicUrl}${page.path}`),
    `     the model       ${s.publicUrl}/api/v1/models/${MODEL_NAME}`,
    ...link('a prediction', ids[ids.length - 1]),
    ...link('an early event', sim.examples.early[0]),
    ...link('a late event', sim.examples.late[0]),
    '     (API clients send the token as "Authorization: Bearer <token>")',
    '',
    ...(labeling && labeling.batch.filled > 0 && pages.some((page) => page.path === '/labeling')
      ? [...batchLines(labeling.batch, labeling.created, `${s.publicUrl}/labeling/${MODEL_NAME}`), '']
      : []),
    s.live
      ? `  Streaming about ${LIVE_RATE_PER_SECOND} live predictions a second; their users' events follow as they happen.`
      : '  No live traffic (--no-live).',
    s.durationS !== null ? `  Stopping after ${s.durationS}s (DEMO_DURATION_S).` : '  Press Ctrl-C to stop.',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return ['', rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule, '', ''].join('\n');
}

/** The first signal stops cleanly; another one a moment later stops at once. (npm forwards Ctrl-C too, so one press can arrive twice.) */
function onSignal(signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  if (!stopping) {
    firstSignalAt = Date.now();
    void shutdown(code, `${signal} received`);
  } else if (firstSignalAt > 0 && Date.now() - firstSignalAt > 1500) {
    say('Stopping now.');
    process.exit(code);
  }
}

async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (!service) process.exit(code);
  say(`Stopping: ${reason}...`);
  try {
    if (simulator && service?.running) await withTimeout(simulator.tearDown(), 5000);
  } catch (error) {
    say(`(could not revoke the simulator's token: ${error instanceof Error ? error.message : String(error)})`);
  }
  await service?.stop();
  say('Stopped.');
  process.exit(code);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function say(line: string): void {
  process.stdout.write(`[demo] ${line}\n`);
}

main().catch((error: unknown) => {
  if (stopping) return;
  const message =
    error instanceof DemoError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`[demo] ${message}\n`);
  void shutdown(1, 'start-up failed');
});
