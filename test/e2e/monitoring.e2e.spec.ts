import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SeededRandom } from '../../src/common/random.js';
import { DriftEvaluation } from '../../src/monitoring/drift-evaluation.service.js';
import { EstimatesService } from '../../src/monitoring/estimates.service.js';
import { ProfilesRepository } from '../../src/monitoring/profiles.repository.js';
import { registerModel } from '../factories/models.js';
import { aPrediction } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

const HOUR = 3_600_000;
const FIXTURES = join(import.meta.dirname, '../fixtures');
const MODEL = {
  classes: ['purchase', 'click'],
  sliceKeys: ['country'],
  featureSchema: {
    price: { type: 'number', min: 0 },
    country: { type: 'category', values: ['de', 'fr', 'us'] },
    title: { type: 'text' },
  },
  labelRules: [
    { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
    { event: 'click', label: 'click', within: '7d', priority: 10 },
  ],
};
const WORDS = ['red', 'shoe', 'blue', 'book', 'lamp', 'desk'];

let t: TestApp;
let ingest: string;
let reader: string;
let admin: string;

beforeAll(async () => {
  t = await startTestApp();
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  reader = `Bearer ${await t.tokenFor('labeler')}`;
  admin = `Bearer ${t.adminToken}`;
});
afterAll(async () => {
  await t?.close();
});

/** A seeded world of the model: `unitsIn` multiplies that country's prices by 100 (a feed switching to cents). */
function world(model: string, seed: number, n: number, at: number, unitsIn?: string) {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const country = ['de', 'fr', 'us'][i % 3];
    const score = Math.round((0.55 + 0.44 * random.next()) * 1000) / 1000;
    return aPrediction({
      id: `${model}-${seed}-${i}`,
      model,
      timestamp: new Date(at + (i % 50) * 1000).toISOString(),
      features: {
        price: (Math.round(Math.max(1, random.normal(30, 8)) * 100) / 100) * (country === unitsIn ? 100 : 1),
        country,
        title: `${random.pick(WORDS)} ${random.pick(WORDS)}`,
      },
      prediction: 'purchase',
      scores: { purchase: score, click: Math.round((1 - score) * 1000) / 1000 },
    });
  });
}

async function send(predictions: Record<string, unknown>[]) {
  for (let i = 0; i < predictions.length; i += 1000) {
    const res = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .send({ predictions: predictions.slice(i, i + 1000) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

const profiled = () => eventually(async () => expect(await t.tables.count('monitoring_pending')).toBe(0));

interface DriftBody {
  features: {
    feature: string;
    slice: { key: string; value: string } | null;
    metric: string;
    drifted: boolean | null;
    n: number;
    likelyCause: string | null;
    value: number | null;
  }[];
  predictions: { classShares: Record<string, number>; drifted: boolean | null; byVersion: { version: string }[] };
}

describe('feature profiles and drift', () => {
  const now = Date.now();
  const baselineAt = now - 30 * HOUR;
  const currentAt = now - 2 * HOUR;

  it('keeps profiles equal to the log, once per prediction, and leaves no marker for a rejected batch', async () => {
    await registerModel(t.http, t.adminToken, 'drifty', MODEL);
    const rows = world('drifty', 1, 3000, baselineAt);
    await send(rows);
    await send(rows.slice(0, 500)); // identical re-sends are duplicates, not new rows
    const bad = await t
      .http()
      .post('/api/v1/predictions')
      .set('Authorization', ingest)
      .send({ predictions: [aPrediction({ model: 'drifty' }), { ...aPrediction({ model: 'drifty' }), scores: 'no' }] });
    expect(bad.status).toBe(400);
    await profiled();
    const cells = await t.tables.all<{ grain: string; n: number }>(
      `SELECT grain, SUM(n) AS n FROM monitoring_profiles WHERE model = 'drifty' AND slice_key = '*' AND feature = ? GROUP BY grain`,
      ['__predictions__'],
    );
    expect(cells.map((c) => [c.grain, Number(c.n)]).sort()).toEqual([
      ['day', 3000],
      ['hour', 3000],
    ]);
  });

  it('loses nothing and counts nothing twice when a profile transaction fails after its updates', async () => {
    await registerModel(t.http, t.adminToken, 'crashy', MODEL);
    const repository = t.app.get(ProfilesRepository);
    const crash = vi.spyOn(repository, 'deletePending').mockRejectedValueOnce(new Error('worker died'));
    await send(world('crashy', 4, 1000, Date.now() - HOUR));
    await profiled();
    expect(crash).toHaveBeenCalled();
    crash.mockRestore();
    const [row] = await t.tables.all<{ n: number }>(
      `SELECT SUM(n) AS n FROM monitoring_profiles WHERE model = 'crashy' AND grain = 'hour' AND slice_key = '*' AND feature = ?`,
      ['__predictions__'],
    );
    expect(Number(row.n)).toBe(1000);
  });

  it('answers 404 without a baseline and 400 for a bad baseline request', async () => {
    expect((await t.http().get('/api/v1/models/drifty/drift').set('Authorization', reader)).status).toBe(404);
    const both = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'x', rows: [{}], from: new Date(now).toISOString() });
    expect(both.status).toBe(400);
    const badName = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'a b', rows: [{}] });
    expect(badName.status).toBe(400);
    const nested = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'x', rows: [{ price: 1 }, { title: ['a', ['b']] }] });
    expect(nested.status).toBe(400);
    expect(nested.body.details).toMatchObject([{ field: 'rows[1].title', index: 1 }]);
    const empty = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'empty', from: new Date(now - 100 * HOUR).toISOString(), to: new Date(now - 90 * HOUR).toISOString() });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/^empty_baseline_window/);
  });

  it('flags the one feature and slice whose units changed, and nothing in a window like the baseline', async () => {
    const created = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'week-1', from: new Date(baselineAt - HOUR).toISOString(), to: new Date(baselineAt + HOUR).toISOString() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'week-1', default: true, source: 'window', rows: 3000 });
    await send(world('drifty', 2, 3000, currentAt, 'fr'));
    await profiled();
    const res = await t.http().get('/api/v1/models/drifty/drift').set('Authorization', reader);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as DriftBody;
    const drifted = body.features.filter((f) => f.drifted).map((f) => `${f.feature}@${f.slice?.value ?? '*'}`);
    expect(drifted.sort()).toEqual(['price@*', 'price@fr']);
    // 1,000 rows a country in the baseline: KS there; 3,000 for the whole model: a distance.
    expect(body.features.find((f) => f.feature === 'price' && f.slice?.value === 'fr')).toMatchObject({
      metric: 'ks',
      likelyCause: 'unit_change',
    });
    expect(body.features.find((f) => f.feature === 'price' && f.slice === null)).toMatchObject({ metric: 'wasserstein_norm' });
    expect(body.predictions).toMatchObject({ drifted: false, classShares: { purchase: 1, click: 0 } });
    const quiet = await t
      .http()
      .get(
        `/api/v1/models/drifty/drift?from=${new Date(now - 48 * HOUR).toISOString()}&to=${new Date(now - 20 * HOUR).toISOString()}`,
      )
      .set('Authorization', reader);
    expect((quiet.body as DriftBody).features.filter((f) => f.drifted)).toEqual([]);
    const empty = await t
      .http()
      .get(
        `/api/v1/models/drifty/drift?from=${new Date(now - 80 * HOUR).toISOString()}&to=${new Date(now - 79 * HOUR).toISOString()}`,
      )
      .set('Authorization', reader);
    for (const f of (empty.body as DriftBody).features) expect(f).toMatchObject({ n: 0, drifted: null });
    expect((await t.http().get('/api/v1/models/drifty/drift?from=yesterday').set('Authorization', reader)).status).toBe(400);
  });

  it('fires a drift alert with the feature, slice and likely cause, and resolves it when the drift is gone', async () => {
    const evaluation = t.app.get(DriftEvaluation);
    expect((await evaluation.evaluate('drifty')).fired).toBe(2);
    const res = await t.http().get('/api/v1/models/drifty/alerts?kind=drift').set('Authorization', reader);
    const alerts = res.body.alerts as {
      kind: string;
      feature: string;
      slice: { key: string; value: string };
      message: string;
      recommendation: { page: string };
    }[];
    const fr = alerts.find((a) => a.slice.value === 'fr')!;
    expect(fr).toMatchObject({
      kind: 'drift',
      feature: 'price',
      slice: { key: 'country', value: 'fr' },
      recommendation: { page: '/models/drifty/monitoring' },
    });
    expect(fr.message).toMatch(
      /^price drifted in country = fr since .*: ks test p = .* after the Benjamini-Hochberg correction .* Likely cause: .*changed units or scale\. Next: compare a few raw values/,
    );
    // The accuracy alerts' own list and evaluation do not see drift alerts.
    expect((await t.http().get('/api/v1/models/drifty/alerts?kind=accuracy').set('Authorization', reader)).body.alerts).toEqual(
      [],
    );
    // A baseline that already has the drift: nothing drifts against it, so the alerts resolve.
    await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({
        name: 'after-switch',
        default: true,
        from: new Date(currentAt - HOUR).toISOString(),
        to: new Date(currentAt + HOUR).toISOString(),
      });
    expect(await evaluation.evaluate('drifty')).toMatchObject({ fired: 0, resolved: 2, firing: 0 });
  });

  it('builds a baseline from training rows sent in batches', async () => {
    const rows = world('drifty', 3, 1200, 0).map((p) => p.features);
    const first = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'training', rows: rows.slice(0, 600) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await t
      .http()
      .post('/api/v1/models/drifty/baselines')
      .set('Authorization', admin)
      .send({ name: 'training', rows: rows.slice(600), append: true });
    expect(second.body).toMatchObject({ name: 'training', source: 'rows', rows: 1200, default: false });
    const drift = await t.http().get('/api/v1/models/drifty/drift?baseline=training').set('Authorization', reader);
    const features = (drift.body as DriftBody).features;
    // 400 training rows a country: a test, not a distance.
    expect(features.find((f) => f.feature === 'price' && f.slice?.value === 'fr')).toMatchObject({ metric: 'ks', drifted: true });
    expect(features.find((f) => f.feature === 'price' && f.slice === null)).toMatchObject({
      metric: 'wasserstein_norm',
      drifted: true,
    });
    const list = await t.http().get('/api/v1/models/drifty/baselines').set('Authorization', reader);
    expect(list.body.baselines.map((b: { name: string }) => b.name).sort()).toEqual(['after-switch', 'training', 'week-1']);
  });
});

describe('out-of-vocabulary share against a named baseline', () => {
  it('reads the OOV share of a text feature against the baseline asked for, none of which existed when the window was profiled', async () => {
    await registerModel(t.http, t.adminToken, 'vocab', MODEL);
    // Logged and profiled before the model has any baseline.
    await send(world('vocab', 20, 600, Date.now() - 2 * HOUR));
    await profiled();
    const rowsWith = (words: string[]) =>
      world('vocab', 21, 600, 0).map((p, i) => ({
        ...(p.features as object),
        title: `${words[i % words.length]} ${words[(i * 7 + 3) % words.length]}`,
      }));
    for (const [name, words] of [
      ['same-words', WORDS],
      ['other-words', ['alpha', 'beta', 'gamma', 'delta']],
    ] as const) {
      const res = await t
        .http()
        .post('/api/v1/models/vocab/baselines')
        .set('Authorization', admin)
        .send({ name, rows: rowsWith([...words]) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const titleAgainst = async (baseline: string) => {
      const res = await t
        .http()
        .get(`/api/v1/models/vocab/drift?baseline=${baseline}&from=${new Date(Date.now() - 3 * HOUR).toISOString()}`)
        .set('Authorization', reader);
      expect(res.status).toBe(200);
      return (res.body as { features: (DriftBody['features'][number] & { oovRate: number | null })[] }).features.find(
        (f) => f.feature === 'title' && f.slice === null,
      )!;
    };
    // The default is same-words, the first baseline: the rate is read against the baseline named, not the default.
    expect(await titleAgainst('same-words')).toMatchObject({ oovRate: 0, metric: 'oov_rate', drifted: false });
    expect(await titleAgainst('other-words')).toMatchObject({
      oovRate: 1,
      metric: 'oov_rate',
      drifted: true,
      likelyCause: 'vocabulary_shift',
    });
  });
});

describe('bad input and edge cases', () => {
  it('profiles features absent from the schema by their observed type, reports one that changed type, and caps a high-cardinality one', async () => {
    await registerModel(t.http, t.adminToken, 'edgy', { ...MODEL, featureSchema: undefined });
    const rows = world('edgy', 30, 600, 0).map((p, i) => ({ ...(p.features as object), code: i % 40, user: `u${i}` }));
    const base = await t
      .http()
      .post('/api/v1/models/edgy/baselines')
      .set('Authorization', admin)
      .send({ name: 'training', rows });
    expect(base.status, JSON.stringify(base.body)).toBe(201);
    // Upstream, code switched from numbers to strings, and the users are all new.
    await send(
      world('edgy', 31, 600, Date.now() - HOUR).map((p, i) => ({
        ...p,
        features: { ...(p.features as object), code: `C-${i % 40}`, user: `v${i}` },
      })),
    );
    await profiled();
    const res = await t.http().get('/api/v1/models/edgy/drift').set('Authorization', reader);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const features = (res.body as { features: Record<string, unknown>[] }).features;
    const whole = (name: string) => features.find((f) => f.feature === name && f.slice === null)!;
    expect(whole('code')).toMatchObject({ typeChanged: true, drifted: true, likelyCause: 'type_change', n: 600 });
    expect(whole('price')).toMatchObject({ type: 'number', typeChanged: false });
    expect(whole('user')).toMatchObject({ type: 'category', categoriesCapped: true, categoryCap: 100 });
    const page = await t.http().get('/models/edgy/monitoring').set('Authorization', reader).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('(type changed)');
  });
});

describe('windows read again', () => {
  it('counts predictions that arrive late for an hour a drift read already merged, and new versions', async () => {
    await registerModel(t.http, t.adminToken, 'late', MODEL);
    const closedHour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    await send(world('late', 40, 600, closedHour));
    await profiled();
    const base = await t
      .http()
      .post('/api/v1/models/late/baselines')
      .set('Authorization', admin)
      .send({ name: 'first', from: new Date(closedHour).toISOString(), to: new Date(closedHour + HOUR).toISOString() });
    expect(base.status, JSON.stringify(base.body)).toBe(201);
    const read = async () => {
      const res = await t.http().get('/api/v1/models/late/drift').set('Authorization', reader);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const body = res.body as Pick<DriftBody, 'features'> & {
        predictions: { n: number; byVersion: { version: string; n: number }[] };
      };
      return { whole: body.features.find((f) => f.feature === 'price' && f.slice === null)!.n, predictions: body.predictions };
    };
    expect(await read()).toMatchObject({ whole: 600, predictions: { n: 600, byVersion: [{ n: 600 }] } });
    expect((await read()).whole).toBe(600);
    // The same closed hour, later, from another model version.
    await send(world('late', 41, 300, closedHour).map((p) => ({ ...p, modelVersion: 'v2' })));
    await profiled();
    const after = await read();
    expect(after.whole).toBe(900);
    expect(after.predictions.n).toBe(900);
    expect(after.predictions.byVersion.map((v) => [v.version, v.n])).toEqual([
      ['v1', 600],
      ['v2', 300],
    ]);
  });
});

describe('baselines from uploaded files', () => {
  const upload = (query: string, type: string, body: string | Buffer, auth = admin) =>
    t.http().post(`/api/v1/models/drifty/baselines?${query}`).set('Authorization', auth).set('Content-Type', type).send(body);
  const profilesOf = async (baseline: string) =>
    (
      await t.tables.all<{ slice_key: string; slice_value: string; feature: string; n: number; profile: string }>(
        `SELECT slice_key, slice_value, feature, n, profile FROM monitoring_baseline_profiles
         WHERE model = 'drifty' AND baseline = ? ORDER BY slice_key, slice_value, feature`,
        [baseline],
      )
    ).map((r) => ({ ...r, n: Number(r.n), profile: JSON.parse(r.profile) as unknown }));
  const json = (name: string, rows: unknown[]) =>
    t.http().post('/api/v1/models/drifty/baselines').set('Authorization', admin).send({ name, rows });

  it('builds the same profiles from a CSV upload as from the same rows sent as JSON', async () => {
    const rows = world('drifty', 3, 1200, 0).map((p) => p.features as { price: number; country: string; title: string });
    // Every field quoted, records ended by CRLF, as Excel writes them.
    const q = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
    const text = ['price,country,title', ...rows.map((r) => [q(r.price), q(r.country), q(r.title)].join(','))].join('\r\n');
    const created = await upload('name=training-csv&version=v7', 'text/csv', text);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'training-csv', source: 'rows', rows: 1200, version: 'v7', default: false });
    expect((await json('training-json', rows)).status).toBe(201);
    const fromCsv = await profilesOf('training-csv');
    expect(fromCsv.length).toBeGreaterThan(10);
    expect(fromCsv).toEqual(await profilesOf('training-json'));
    const drift = await t.http().get('/api/v1/models/drifty/drift?baseline=training-csv').set('Authorization', reader);
    expect((drift.body as DriftBody).features.find((f) => f.feature === 'price' && f.slice?.value === 'fr')).toMatchObject({
      drifted: true,
    });
  });

  it('builds the same profiles from a Parquet file pyarrow wrote as from its rows sent as JSON', async () => {
    const parquet = readFileSync(join(FIXTURES, 'baseline-training.parquet'));
    const rows = JSON.parse(readFileSync(join(FIXTURES, 'baseline-training.json'), 'utf8')) as unknown[];
    for (const type of ['application/vnd.apache.parquet', 'application/octet-stream']) {
      const created = await upload('name=training-parquet&default=false', type, parquet);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ name: 'training-parquet', source: 'rows', rows: 300 });
    }
    expect((await json('training-parquet-json', rows)).status).toBe(201);
    const fromParquet = await profilesOf('training-parquet');
    expect(fromParquet.find((p) => p.slice_key === '*' && p.feature === 'qty')).toMatchObject({ n: 300 });
    expect(fromParquet).toEqual(await profilesOf('training-parquet-json'));
  });

  it('refuses a malformed file whole, naming the line, and leaves the baseline of that name as it was', async () => {
    const before = await profilesOf('training-csv');
    const broken = await upload('name=training-csv', 'text/csv', 'price,country,title\r\n1,de,a\r\n2,fr\r\n');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({
      message: 'invalid_baseline_file: csv: line 3 (row 2): has 2 fields, the header 3',
      details: [{ field: 'line 3 (row 2)' }],
    });
    const quote = await upload('name=training-csv', 'text/csv', 'price,title\n1,"unclosed\n2,b\n');
    expect(quote.body.message).toBe('invalid_baseline_file: csv: line 2, field 2: a quoted field is never closed');
    const garbage = await upload('name=training-csv', 'application/vnd.apache.parquet', Buffer.from('PAR1 not really'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toBe('invalid_baseline_file: parquet: file: is not a readable Parquet file');
    const nested = await upload(
      'name=nested',
      'application/vnd.apache.parquet',
      readFileSync(join(FIXTURES, 'baseline-nested.parquet')),
    );
    expect(nested.status).toBe(400);
    expect(nested.body.details[0].field).toBe('column 2 ("tags")');
    expect(await profilesOf('training-csv')).toEqual(before);
    const list = await t.http().get('/api/v1/models/drifty/baselines').set('Authorization', reader);
    expect(list.body.baselines.map((b: { name: string }) => b.name)).not.toContain('nested');
  });

  it('refuses a file over BODY_LIMIT_MB with 413, and reads no file body for a caller other than an admin', async () => {
    const small = await startTestApp({ BODY_LIMIT_MB: '1' });
    try {
      await registerModel(small.http, small.adminToken, 'drifty', MODEL);
      const big = `price\n${'12.5\n'.repeat(300_000)}`; // 1.5 MB
      const over = await small
        .http()
        .post('/api/v1/models/drifty/baselines?name=big')
        .set('Authorization', `Bearer ${small.adminToken}`)
        .set('Content-Type', 'text/csv')
        .send(big);
      expect(over.status).toBe(413);
      const labeler = await small
        .http()
        .post('/api/v1/models/drifty/baselines?name=big')
        .set('Authorization', `Bearer ${await small.tokenFor('labeler')}`)
        .set('Content-Type', 'text/csv')
        .send(big);
      expect(labeler.status).toBe(403);
      const fits = await small
        .http()
        .post('/api/v1/models/drifty/baselines?name=fits')
        .set('Authorization', `Bearer ${small.adminToken}`)
        .set('Content-Type', 'text/csv')
        .send(`price\n${'12.5\n'.repeat(100_000)}`);
      expect(fits.status, JSON.stringify(fits.body)).toBe(201);
      expect(fits.body.rows).toBe(100_000);
    } finally {
      await small.close();
    }
  });

  it('asks for the name, the admin role and a known media type', async () => {
    const noName = await upload('', 'text/csv', 'a\n1\n');
    expect(noName.status).toBe(400);
    expect(noName.body.details).toEqual([{ field: 'name', message: 'required in the query' }]);
    expect((await upload('name=x', 'text/csv', 'a\n1\n', reader)).status).toBe(403);
    expect((await upload('name=x', 'text/plain', 'a\n1\n')).status).toBe(415);
    const inQuery = await t
      .http()
      .post('/api/v1/models/drifty/baselines?name=x')
      .set('Authorization', admin)
      .send({ name: 'x', rows: [{ price: 1 }] });
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.details[0].field).toBe('name');
    expect((await upload('name=a%20b', 'text/csv', 'a\n1\n')).status).toBe(400);
  });
});

describe('the monitoring page', () => {
  it('renders the drift table escaped, says how to make a baseline when there is none, and 404s for unknown models', async () => {
    await registerModel(t.http, t.adminToken, 'escaped', { ...MODEL, featureSchema: undefined });
    await send(
      world('escaped', 5, 200, Date.now() - HOUR).map((p) => ({
        ...p,
        features: { ...(p.features as object), '<b>bold</b>': 1 },
      })),
    );
    const page = (path: string) => t.http().get(path).set('Authorization', reader).set('Accept', 'text/html');
    const none = await page('/models/escaped/monitoring');
    expect(none.status).toBe(200);
    expect(none.text).toContain('data-testid="no-baseline"');
    await t
      .http()
      .post('/api/v1/models/escaped/baselines')
      .set('Authorization', admin)
      .send({ name: 'b', from: new Date(Date.now() - 3 * HOUR).toISOString() });
    const shown = await page('/models/escaped/monitoring');
    expect(shown.text).toContain('data-testid="drift-table"');
    expect(shown.text).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(shown.text).not.toContain('<b>bold</b>');
    expect((await page('/models/nobody/monitoring')).status).toBe(404);
    expect((await page('/models/escaped/monitoring?window=1y')).status).toBe(400);
  });
});

describe('label-free accuracy estimates', () => {
  it('calibrates overconfident scores on labeled predictions and estimates an unlabeled window near its true accuracy', async () => {
    await registerModel(t.http, t.adminToken, 'cbpe', MODEL);
    const now = Date.now();
    const random = new SeededRandom(42);
    // Right with probability score − 0.25: the model is overconfident.
    const labeled = world('cbpe', 10, 1500, now - 20 * HOUR);
    const purchases = labeled.filter((p) => random.next() < (p.scores as { purchase: number }).purchase - 0.25);
    await send(labeled);
    const bought = new Set(purchases.map((p) => p.id));
    const events = labeled.map((p) => ({
      id: `ev-${p.id as string}`,
      model: 'cbpe',
      predictionId: p.id,
      type: bought.has(p.id) ? 'purchase' : 'click',
      timestamp: new Date(now - 19 * HOUR).toISOString(),
    }));
    for (let i = 0; i < events.length; i += 1000)
      expect(
        (
          await t
            .http()
            .post('/api/v1/events')
            .set('Authorization', ingest)
            .send({ events: events.slice(i, i + 1000) })
        ).status,
      ).toBe(202);
    await eventually(async () => {
      const s = await t.http().get('/api/v1/models/cbpe/slices').set('Authorization', reader);
      expect(s.body.overall.n).toBe(1500);
    }, 30_000);
    await t.app.get(EstimatesService).calibrate('cbpe');
    const unlabeled = world('cbpe', 11, 900, now - 2 * HOUR);
    const truth =
      unlabeled.filter((p) => random.next() < (p.scores as { purchase: number }).purchase - 0.25).length / unlabeled.length;
    await send(unlabeled);
    await profiled();
    const res = await t
      .http()
      .get(`/api/v1/models/cbpe/estimated-performance?from=${new Date(now - 3 * HOUR).toISOString()}`)
      .set('Authorization', reader);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { overall, slices } = res.body as {
      overall: { estimatedAccuracy: number; ci: [number, number]; calibrated: boolean; n: number };
      slices: { key: string; value: string; estimatedAccuracy: number | null; notEstimable: string | null }[];
    };
    expect(overall).toMatchObject({ calibrated: true, n: 900 });
    expect(Math.abs(overall.estimatedAccuracy - truth)).toBeLessThan(0.05);
    expect(overall.ci[0]).toBeLessThan(overall.estimatedAccuracy);
    // Raw scores would say about 0.77; calibration brings it down.
    expect(overall.estimatedAccuracy).toBeLessThan(0.62);
    expect(slices.map((s) => s.value)).toEqual(['de', 'fr', 'us']);
    const tiny = await t
      .http()
      .get(
        `/api/v1/models/cbpe/estimated-performance?from=${new Date(now - 80 * HOUR).toISOString()}&to=${new Date(now - 79 * HOUR).toISOString()}`,
      )
      .set('Authorization', reader);
    expect(tiny.body.overall).toMatchObject({ estimatedAccuracy: null, notEstimable: 'too_small' });
  });
});
