import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RelabelClient } from '../clients/ts/src/index.js';
import { ServiceProcess } from '../src/demo/service-process.js';
import { countByGroup, loadCorpus } from './outcome/corpus.js';
import { RelabelModel } from './outcome/relabel-api.js';
import { checkNaiveBayes } from './outcome/self-check.js';
import { factsTable, perWorldTable, recommendationLines, summaryTable, targetLine, writeReadmeBlock } from './outcome/report.js';
import { runWorld, type WorldResult } from './outcome/run-world.js';

const USAGE = `usage: npm run bench:outcome -- [--quick] [--seeds 1,2,3] [--exploration 0.05,0.2] [--labels 200]
                                 [--stream N] [--mitigations a,b] [--no-readme]
  --quick        one seed, 5% exploration, a stream of 1,200 mails (a few minutes)
  --mitigations  ask for these instead of the ones the service's OpenAPI lists (unknown ones are skipped)
  --no-readme    do not write the figures into bench/README.md (quick runs never do)`;

/** A filter trained on little older mail (182 mails), so that what it is retrained on matters. */
const TRAIN_SHARE = 0.03;
const HELD_OUT_SHARE = 0.35;

function log(line: string): void {
  process.stdout.write(`[outcome ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      seeds: { type: 'string' },
      exploration: { type: 'string' },
      labels: { type: 'string', default: '200' },
      stream: { type: 'string' },
      mitigations: { type: 'string' },
      'no-readme': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const numbers = (text: string, name: string, ok: (n: number) => boolean) => {
    const list = text.split(',').map(Number);
    if (list.length === 0 || !list.every(ok)) throw new Error(`--${name}: bad value "${text}"\n${USAGE}`);
    return list;
  };
  const quick = values.quick;
  const labels = Number(values.labels);
  if (!Number.isInteger(labels) || labels < 1 || labels > 10_000) throw new Error(`--labels must be 1..10000\n${USAGE}`);
  return {
    quick,
    seeds: numbers(values.seeds ?? (quick ? '1' : '1,2,3'), 'seeds', (n) => Number.isInteger(n) && n >= 0 && n < 1e6),
    explorations: numbers(values.exploration ?? (quick ? '0.05' : '0.05,0.2'), 'exploration', (n) => n > 0 && n < 1),
    labels,
    stream: values.stream !== undefined ? Number(values.stream) : quick ? 1200 : undefined,
    mitigations: values.mitigations?.split(',').filter((m) => m.length > 0) ?? null,
    writeReadme: !quick && !values['no-readme'],
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The export mitigations the running service offers, read from its OpenAPI document (so new ones show up unasked). */
async function offeredMitigations(admin: RelabelClient): Promise<string[]> {
  const doc = await admin.request<{
    components?: { schemas?: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
  }>('GET', '/docs/json', { expect: [200] });
  const list = doc.components?.schemas?.CreateExportDto?.properties?.mitigation?.enum;
  if (!list || list.length === 0)
    throw new Error('the OpenAPI document lists no export mitigations (CreateExportDto.mitigation.enum); pass --mitigations');
  return list;
}

async function main(): Promise<void> {
  const opts = options();
  const root = resolve(import.meta.dirname, '..', '..');
  const mainPath = join(root, 'dist/src/main.js');
  if (!existsSync(mainPath)) throw new Error(`${mainPath} is missing: run npm run bench:outcome, which builds first`);
  checkNaiveBayes(root);
  const started = Date.now();
  const loadBefore = loadavg();
  const mails = loadCorpus();
  log(`corpus: ${mails.length} mails ${JSON.stringify(countByGroup(mails))}`);

  const dataDir = mkdtempSync(join(tmpdir(), 'relabel-outcome-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminToken = `rl_${randomBytes(24).toString('base64url')}`;
  const service = new ServiceProcess({
    mainPath,
    url,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'error',
    },
  });
  const worlds: WorldResult[] = [];
  try {
    await service.waitHealthy(90_000);
    const admin = new RelabelClient({ url, token: adminToken });
    const token = async (name: string, role: string) =>
      new RelabelClient({
        url,
        token: (await admin.request<{ token: string }>('POST', '/api/v1/tokens', { body: { name, role }, expect: [201] })).token,
      });
    const ingest = await token('bench-outcome-ingest', 'ingest');
    const labeler = await token('bench-outcome-labeler', 'labeler');
    const mitigations = opts.mitigations ?? (await offeredMitigations(admin));
    log(
      `mitigations: ${mitigations.join(', ')} (${opts.mitigations ? 'asked for' : "from the service's OpenAPI"}), then the recommended one`,
    );
    for (const exploration of opts.explorations) {
      for (const seed of opts.seeds) {
        const policy = { name: `${Math.round(exploration * 1000) / 10}%`, exploration };
        const name = `spam-filter-s${seed}-e${Math.round(exploration * 1000) / 10}`.replace('.', '_');
        const relabel = new RelabelModel({ baseUrl: url, adminToken }, admin, ingest, labeler, name);
        const world = await runWorld(
          mails,
          {
            seed,
            policy,
            trainShare: TRAIN_SHARE,
            heldOutShare: HELD_OUT_SHARE,
            streamLimit: opts.stream,
            labelBudget: opts.labels,
            mitigations,
          },
          relabel,
          log,
        );
        worlds.push(world);
        log(`${name}: done in ${world.seconds.toFixed(0)} s`);
        process.stdout.write(`\n${perWorldTable([world])}\n\n`);
      }
    }
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const seconds = (Date.now() - started) / 1000;
  const loadAfter = loadavg();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const skipped = [...new Set(worlds.flatMap((w) => w.skipped))];
  const markdown = [
    `Run of ${when} UTC${opts.quick ? ' (--quick)' : ''}: seeds ${opts.seeds.join(', ')}, exploration ${opts.explorations.map((e) => `${e * 100}%`).join(' and ')}, ` +
      `${opts.labels} human labels a world, ${seconds.toFixed(0)} s on ${cpus().length} cores, load average ${loadBefore[0].toFixed(1)} at the start and ${loadAfter[0].toFixed(1)} at the end.`,
    `Each world: ${worlds[0]?.sizes.train} older mails train the filter; ${worlds[0]?.sizes.stream} later mails are served; ` +
      `${worlds[0]?.sizes.heldOut} held out (${Object.entries(worlds[0]?.sizes.heldOutByGroup ?? {})
        .map(([g, n]) => `${n} ${g}`)
        .join(', ')}).`,
    '',
    'Mean held-out accuracy over the worlds (per group: accuracy on that group of the held-out mail):',
    '',
    summaryTable(worlds),
    '',
    targetLine(worlds),
    '',
    'Per world, overall held-out accuracy (hard ham in brackets):',
    '',
    perWorldTable(worlds),
    '',
    'Label quality in each world (what the service should find on its own; "estimate" is the slices API\'s `estimated`, "none" while it is not served):',
    '',
    factsTable(worlds),
    '',
    'What the feedback report recommended:',
    '',
    ...recommendationLines(worlds),
    ...(skipped.length ? ['', `Skipped: ${skipped.join('; ')}`] : []),
  ].join('\n');
  process.stdout.write(`\n${markdown}\n\n`);
  const resultsDir = join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(resultsDir, `outcome-${stamp}.json`), JSON.stringify({ options: opts, seconds, worlds }, null, 2));
  writeFileSync(join(resultsDir, `outcome-${stamp}.md`), `${markdown}\n`);
  if (opts.writeReadme) {
    const ok = writeReadmeBlock(join(root, 'bench/README.md'), markdown);
    log(ok ? 'figures written to bench/README.md' : 'bench/README.md has no results markers; figures are in bench/results only');
  }
  log(`figures in bench/results/outcome-${stamp}.{md,json}; ${seconds.toFixed(0)} s in all`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[outcome] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
