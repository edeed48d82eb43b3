import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModel } from '../factories/models.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';

let t: TestApp;
let admin: string;
let ingest: string;
let labeler: string;

const MAIL = {
  classes: ['ham', 'spam'],
  sliceKeys: ['lang'],
  featureSchema: {
    subject: { type: 'text' },
    links: { type: 'number', min: 0 },
    lang: { type: 'category', values: ['en', 'de'] },
  },
};

const SUBJECTS = [
  'Free money now',
  'Win a prize, click here',
  'Meeting notes',
  'Lunch tomorrow?',
  'FREE viagra',
  'Quarterly report',
];

function aMail(n: number, overrides: Record<string, unknown> = {}) {
  const subject = SUBJECTS[n % SUBJECTS.length];
  const spammy = /free|win/i.test(subject);
  return {
    id: `m-${String(n).padStart(3, '0')}`,
    model: 'mail',
    modelVersion: 'v1',
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    features: { subject, links: spammy ? 7 : 0, lang: n % 2 === 0 ? 'en' : 'de' },
    slices: { lang: n % 2 === 0 ? 'en' : 'de' },
    prediction: spammy ? 'spam' : 'ham',
    scores: spammy ? { ham: 0.1, spam: 0.9 } : { ham: 0.8, spam: 0.2 },
    ...overrides,
  };
}

const text = (res: Response, done: (error: Error | null, body: string) => void) => {
  let body = '';
  res.on('data', (chunk: Buffer) => (body += chunk.toString()));
  res.on('end', () => done(null, body));
};

const api = (path: string) => `/api/v1/models/mail${path}`;
const put = (name: string, body: Record<string, unknown>) =>
  t
    .http()
    .put(api(`/labeling-functions/${name}`))
    .set('Authorization', admin)
    .send(body as object);
const postVotes = (body: object) => t.http().post(api('/lf-votes')).set('Authorization', ingest).send(body);
const votesOf = (fn: string) =>
  t.tables.all<{ prediction_id: string; label: string }>(
    'SELECT prediction_id, label FROM lf_votes WHERE model = ? AND function_name = ? ORDER BY prediction_id',
    ['mail', fn],
  );

async function waitRun(id: string) {
  return eventually(async () => {
    const res = await t
      .http()
      .get(api(`/weak-runs/${id}`))
      .set('Authorization', labeler);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('done');
    return res.body as { progress: number; result: Record<string, unknown> };
  }, 30_000);
}

async function fit() {
  const res = await t.http().post(api('/weak-runs')).set('Authorization', admin).send({ kind: 'fit' });
  expect(res.status).toBe(202);
  return waitRun(res.body.id as string);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = `Bearer ${t.adminToken}`;
  await registerModel(t.http, t.adminToken, 'mail', MAIL);
  ingest = `Bearer ${await t.tokenFor('ingest')}`;
  labeler = `Bearer ${await t.tokenFor('labeler', 'lena')}`;
  const history = Array.from({ length: 12 }, (_, n) => aMail(n));
  const res = await t.http().post('/api/v1/predictions').set('Authorization', ingest).send({ predictions: history });
  expect(res.status).toBe(201);
});
afterAll(() => t.close());

describe('labeling functions as settings', () => {
  it.each([
    ['an unknown feature', { kind: 'keyword', feature: 'body', label: 'spam', keywords: ['free'] }, 'feature'],
    ['a label outside the classes', { kind: 'keyword', feature: 'subject', label: 'junk', keywords: ['free'] }, 'label'],
    ['a backreference', { kind: 'regex', feature: 'subject', label: 'spam', pattern: '(a)\\1' }, 'pattern'],
    ['lookahead', { kind: 'regex', feature: 'subject', label: 'spam', pattern: 'free(?= money)' }, 'pattern'],
    ['a pattern that does not compile', { kind: 'regex', feature: 'subject', label: 'spam', pattern: '(free' }, 'pattern'],
    ['a range on a text feature', { kind: 'range', feature: 'subject', label: 'spam', min: 1 }, 'feature'],
    ['a range with no bounds', { kind: 'range', feature: 'links', label: 'spam' }, 'min'],
    ['a field of another kind', { kind: 'keyword', feature: 'subject', label: 'spam', keywords: ['x'], pattern: 'x' }, 'pattern'],
    ['an unknown category value', { kind: 'category', feature: 'lang', label: 'ham', values: ['fr'] }, 'values'],
  ])('rejects %s with 400 naming the field', async (_case, body, field) => {
    const res = await put('bad', body);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await t.tables.count('lf_functions', "name = 'bad'")).toBe(0);
  });

  it('answers 404 for an unknown model or function', async () => {
    expect(
      (await t.http().put('/api/v1/models/nope/labeling-functions/f').set('Authorization', admin).send({ kind: 'external' }))
        .status,
    ).toBe(404);
    expect((await t.http().get(api('/labeling-functions/nope')).set('Authorization', labeler)).status).toBe(404);
  });

  it('runs a new function over the history by a job, with progress, storing only votes (no abstentions)', async () => {
    const res = await put('free_words', { kind: 'keyword', feature: 'subject', label: 'spam', keywords: ['free', 'win'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'free_words',
      kind: 'keyword',
      label: 'spam',
      enabled: true,
      parameters: { feature: 'subject', keywords: ['free', 'win'] },
    });
    const run = await waitRun(res.body.applyRun as string);
    expect(run.progress).toBe(1);
    expect(run.result).toMatchObject({ predictions: 12 });
    // "Free money now", "Win a prize", "FREE viagra": 3 of every 6 subjects, word-bounded and case-folded.
    const votes = await votesOf('free_words');
    expect(votes).toHaveLength(6);
    expect(new Set(votes.map((v) => v.label))).toEqual(new Set(['spam']));
  });

  it('runs the functions over new predictions as they arrive', async () => {
    const res = await put('many_links', { kind: 'range', feature: 'links', label: 'spam', min: 5 });
    await waitRun(res.body.applyRun as string);
    await put('calm', { kind: 'regex', feature: 'subject', label: 'ham', pattern: '^(meeting|lunch|quarterly)\\b' });
    await put('confident', { kind: 'score', class: 'ham', min: 0.75, label: 'ham' });
    await t.http().post('/api/v1/predictions').set('Authorization', ingest).send(aMail(100));
    await t.http().post('/api/v1/predictions').set('Authorization', ingest).send(aMail(105));
    await eventually(async () => {
      expect((await votesOf('free_words')).map((v) => v.prediction_id)).toContain('m-100');
      expect((await votesOf('many_links')).map((v) => v.prediction_id)).toContain('m-100');
      expect((await votesOf('calm')).map((v) => v.prediction_id)).toContain('m-105');
    });
    expect(await t.tables.count('lf_pending')).toBe(0);
  });
});

describe('external votes', () => {
  it('stores a batch, counts unknown predictions without storing them, and is idempotent', async () => {
    expect((await put('reputation', { kind: 'external' })).status).toBe(200);
    const batch = {
      function: 'reputation',
      votes: [
        { predictionId: 'm-000', label: 'spam' },
        { predictionId: 'm-002', label: 'ham' },
        { predictionId: 'no-such', label: 'spam' },
      ],
    };
    const first = await postVotes(batch);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ accepted: 2, changed: 2, unchanged: 0, unknown: 1, unknownIds: ['no-such'] });
    const again = await postVotes(batch);
    expect(again.body).toMatchObject({ accepted: 2, changed: 0, unchanged: 2, unknown: 1 });
    expect(await votesOf('reputation')).toEqual([
      { prediction_id: 'm-000', label: 'spam' },
      { prediction_id: 'm-002', label: 'ham' },
    ]);
  });

  it('rejects a whole batch with one bad label, and votes for a declarative or unknown function', async () => {
    const bad = await postVotes({
      function: 'reputation',
      votes: [
        { predictionId: 'm-004', label: 'spam' },
        { predictionId: 'm-006', label: 'junk' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ index: 1, field: 'votes.1.label' })]);
    expect((await votesOf('reputation')).map((v) => v.prediction_id)).not.toContain('m-004');
    expect((await postVotes({ function: 'free_words', votes: [{ predictionId: 'm-000', label: 'spam' }] })).status).toBe(409);
    expect((await postVotes({ function: 'ghost', votes: [{ predictionId: 'm-000', label: 'spam' }] })).status).toBe(404);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ predictionId: `x-${i}`, label: 'spam' }));
    expect((await postVotes({ function: 'reputation', votes: tooMany })).status).toBe(400);
  });

  it('is for ingest tokens, not labelers', async () => {
    const res = await t.http().post(api('/lf-votes')).set('Authorization', labeler).send({ function: 'reputation', votes: [] });
    expect(res.status).toBe(403);
  });
});

describe('the label model', () => {
  it('writes weak labels with probability and provenance, below human labels, and reports each function', async () => {
    const human = await t
      .http()
      .post('/api/v1/labels')
      .set('Authorization', labeler)
      .send({ model: 'mail', predictionId: 'm-001', label: 'spam' });
    expect(human.status).toBe(201);
    const run = await fit();
    expect(run.result).toMatchObject({ method: expect.stringMatching(/^(majority|dawid_skene)$/), predictions: 14 });
    const p = await t.http().get(api('/predictions/m-000')).set('Authorization', labeler);
    expect(p.body.effectiveLabel).toEqual({ label: 'spam', source: 'weak' });
    const weak = (p.body.labels as { source: string; rule: Record<string, unknown> }[]).find((l) => l.source === 'weak');
    expect(weak?.rule).toMatchObject({
      fit: expect.any(String),
      probability: expect.any(Number),
      votes: { free_words: 'spam', many_links: 'spam' },
    });
    // m-001 ("Win a prize") has a human label, which outranks the weak one.
    const labelled = await t.http().get(api('/predictions/m-001')).set('Authorization', labeler);
    expect(labelled.body.effectiveLabel).toEqual({ label: 'spam', source: 'manual' });

    const list = await t.http().get(api('/labeling-functions')).set('Authorization', labeler);
    expect(list.status).toBe(200);
    const free = (list.body.functions as Record<string, unknown>[]).find((f) => f.name === 'free_words')!;
    expect(free).toMatchObject({
      kind: 'keyword',
      label: 'spam',
      enabled: true,
      coverage: 7 / 14,
      polarity: ['spam'],
      accuracy: 1,
      n: 1,
    });
    expect(free.ci).toEqual([expect.any(Number), 1]);
    expect(list.body.labelModel).toMatchObject({ method: run.result.method, majority: { human: { n: 1 } } });
  });

  it('drops the weak labels a disabled function alone gave, after the refit', async () => {
    await put('calm', {
      kind: 'regex',
      feature: 'subject',
      label: 'ham',
      pattern: '^(meeting|lunch|quarterly)\\b',
      enabled: false,
    });
    await put('confident', { kind: 'score', class: 'ham', min: 0.75, label: 'ham', enabled: false });
    await fit();
    // m-003 ("Lunch tomorrow?") had only ham votes from the two disabled functions.
    const p = await t.http().get(api('/predictions/m-003')).set('Authorization', labeler);
    expect(p.body.effectiveLabel).toBeNull();
    expect(p.body.labels).toEqual([]);
  });

  it('exports weak rows with their probability, and slices count them by source', async () => {
    const created = await t
      .http()
      .post(api('/exports'))
      .set('Authorization', admin)
      .send({ format: 'jsonl', acknowledgeWarnings: true, acknowledgeBlocking: true });
    expect(created.status).toBe(202);
    await eventually(async () => {
      const res = await t
        .http()
        .get(`/api/v1/exports/${created.body.id as string}`)
        .set('Authorization', admin);
      expect(res.body.status).toBe('done');
    });
    const file = await t
      .http()
      .get(`/api/v1/exports/${created.body.id as string}/download`)
      .set('Authorization', admin)
      .buffer(true)
      .parse(text);
    const records = (file.body as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const weakRows = records.filter((r) => r.label_source === 'weak');
    expect(weakRows.length).toBeGreaterThan(0);
    for (const r of weakRows) expect(r.label_probability).toEqual(expect.any(Number));
    expect(records.find((r) => r.id === 'm-001')).toMatchObject({ label_source: 'manual', label_probability: null });
    await eventually(async () => {
      const slices = await t.http().get(api('/slices?source=weak')).set('Authorization', labeler);
      expect(slices.status).toBe(200);
      expect(slices.body.overall.n).toBe(weakRows.length);
    });
  });

  it('deletes a function with its votes', async () => {
    expect((await t.http().delete(api('/labeling-functions/reputation')).set('Authorization', admin)).status).toBe(204);
    expect(await votesOf('reputation')).toEqual([]);
    expect((await t.http().get(api('/labeling-functions/reputation')).set('Authorization', labeler)).status).toBe(404);
  });
});
