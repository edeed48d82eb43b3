import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { aPrediction, SHOP_MODEL } from '../factories/predictions.js';
import { onPostgres } from '../support/app.js';
import { type ChildServiceSetup, setUpChildService } from '../support/child-service.js';
import { sleep, waitFor } from '../support/eventually.js';

/**
 * The real service as a child process, SIGKILLed while the label join works through a backlog, then
 * started again on the same database: afterwards the database must show every event applied once,
 * one direct label per prediction and exactly one outbox row per change of the effective label.
 */

const PREDICTIONS = 20_000;
const BATCH = 2_000;
const MIN = 60_000;
/** How many events one transaction of the join applies (JoinService). */
const JOIN_BATCH = 2_000;
/** The most events one request may carry. */
const MAX_REQUEST = 10_000;

/**
 * How each prediction's events arrive. clickFirst: its click is applied before its purchase is sent
 * (two label changes). together: purchase and click in one request, the purchase's id sorting first,
 * so the purchase is applied in the same or an earlier transaction (one change). later: the purchase
 * follows in a later request (one or two changes, depending on the join). clickOnly: no purchase.
 */
type Kind = 'clickFirst' | 'together' | 'later' | 'clickOnly';
const kindOf = (i: number): Kind => (i % 2 === 1 ? 'clickOnly' : i < BATCH ? 'clickFirst' : i % 4 === 0 ? 'together' : 'later');

const pad = (i: number) => String(i).padStart(5, '0');
const predictionIdOf = (i: number) => `crash-${pad(i)}`;
const clickIdOf = (i: number) => `ev-${pad(i)}-2-click`;
const purchaseIdOf = (i: number) => `ev-${pad(i)}-1-purchase`;

let child: ChildServiceSetup;


async function eventStates(): Promise<Record<string, number>> {
  const rows = await child.tables.all<{ state: string; n: number | string }>(
    'SELECT state, COUNT(*) AS n FROM events GROUP BY state',
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

const unprocessed = (states: Record<string, number>) => (states.new ?? 0) + (states.pending ?? 0);
const processed = (states: Record<string, number>) => (states.applied ?? 0) + (states.matched ?? 0);
const until = (what: string, done: () => Promise<boolean>, timeoutMs: number) =>
  waitFor(what, done, { timeoutMs, context: () => `the service's output:\n${child.service?.log ?? ''}` });

const JOIN_DONE = 'the join finished before the kill: make the workload bigger';

/** Waits until more than `after` events are processed and returns how many are. */
async function processedPast(after: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = await eventStates();
    if (processed(states) > after) return processed(states);
    if (unprocessed(states) === 0) throw new Error(JOIN_DONE);
    if (Date.now() > deadline) throw new Error('the join committed nothing within 30 s');
    await sleep(2);
  }
}

/** Every request the client sends, with what the service answered. */
class Client {
  accepted = { predictions: 0, events: 0 };

  constructor(
    private readonly url: string,
    private readonly ingest: string,
  ) {}

  async predictions(rows: Record<string, unknown>[]): Promise<void> {
    const res = await request(this.url).post('/api/v1/predictions').set('Authorization', this.ingest).send({ predictions: rows });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ accepted: rows.length, duplicates: 0 });
    this.accepted.predictions += (res.body as { accepted: number }).accepted;
  }

  async events(rows: Record<string, unknown>[]): Promise<void> {
    const res = await request(this.url).post('/api/v1/events').set('Authorization', this.ingest).send({ events: rows });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ accepted: rows.length, duplicates: 0, joined: rows.length, pending: 0 });
    this.accepted.events += (res.body as { accepted: number }).accepted;
  }
}

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Requests of at most BATCH events that never split one prediction's events. */
function requestsOf(perPrediction: Record<string, unknown>[][]): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [[]];
  for (const events of perPrediction) {
    if (out[out.length - 1].length + events.length > BATCH) out.push([]);
    out[out.length - 1].push(...events);
  }
  return out;
}

// On SQLite, also with the jobs in a worker thread: two connections to the file when the process dies.
const RUNNERS = onPostgres ? ['bullmq'] : ['in-process', 'thread'];

describe.each(RUNNERS)('crash recovery of the label join (jobs: %s)', (runner) => {
  beforeAll(async () => {
    child = await setUpChildService(runner === 'thread' ? { JOB_RUNNER: 'thread' } : {}, 'relabel-crash-');
    await child.start();
  }, 120_000);

  afterAll(() => child?.close());

  it('a worker killed mid-batch loses and doubles nothing after restart', { timeout: 180_000 }, async () => {
    const admin = child.adminToken;
    const first = child.service!;
    await registerModel(() => request(first.url), admin, 'shop', { ...SHOP_MODEL, ...SHOP_RULES });
    const tokenRes = await request(first.url)
      .post('/api/v1/tokens')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: 'crash-ingest', role: 'ingest' });
    expect(tokenRes.status).toBe(201);
    const client = new Client(first.url, `Bearer ${(tokenRes.body as { token: string }).token}`);

    const predictedAt = Date.now() - 10 * MIN;
    const indexes = Array.from({ length: PREDICTIONS }, (_, i) => i);
    const click = (i: number) =>
      anEvent(predictionIdOf(i), { id: clickIdOf(i), type: 'click', timestamp: new Date(predictedAt + MIN).toISOString() });
    const purchase = (i: number) =>
      anEvent(predictionIdOf(i), {
        id: purchaseIdOf(i),
        type: 'purchase',
        timestamp: new Date(predictedAt + 2 * MIN).toISOString(),
      });

    for (const chunk of chunked(indexes, BATCH)) {
      await client.predictions(
        chunk.map((i) => aPrediction({ id: predictionIdOf(i), timestamp: new Date(predictedAt).toISOString() })),
      );
    }
    const early = indexes.slice(0, BATCH);
    await client.events(early.map(click));
    await until('the first clicks to be applied', async () => unprocessed(await eventStates()) === 0, 30_000);
    await client.events(early.filter((i) => kindOf(i) === 'clickFirst').map(purchase));
    // The last request is as large as the API takes, so the join has a backlog of several transactions after it.
    const rest = indexes.slice(BATCH);
    const laterPurchases = rest.filter((i) => kindOf(i) === 'later');
    const lastClicks = rest.filter((i) => kindOf(i) === 'clickOnly').slice(laterPurchases.length - MAX_REQUEST);
    const lastClicked = new Set(lastClicks);
    const perPrediction = rest
      .filter((i) => !lastClicked.has(i))
      .map((i) => (kindOf(i) === 'together' ? [purchase(i), click(i)] : [click(i)]));
    for (const events of requestsOf(perPrediction)) await client.events(events);
    await client.events([...laterPurchases.map(purchase), ...lastClicks.map(click)]);

    // Time one whole join transaction, then kill halfway through the next one.
    const sent = await eventStates();
    expect(unprocessed(sent), JOIN_DONE).toBeGreaterThan(0);
    const firstCommit = await processedPast(processed(sent));
    const firstAt = performance.now();
    await processedPast(firstCommit + JOIN_BATCH - 1);
    await sleep((performance.now() - firstAt) / 2);
    const exit = await first.kill('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    const atKill = await eventStates();
    expect(unprocessed(atKill), JOIN_DONE).toBeGreaterThan(0);
    if (onPostgres) {
      // The dead worker's PostgreSQL session must be gone (its transaction rolled back) before the restart.
      await until(
        'the killed service to leave PostgreSQL',
        async () =>
          Number(
            (
              await child.tables.all<{ n: string }>(
                'SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
              )
            )[0].n,
          ) === 0,
        10_000,
      );
    }

    await child.start();
    await until('the restarted service to process every event', async () => unprocessed(await eventStates()) === 0, 90_000);

    await expectStored(client);
    await expectLabelsAndOutbox();
  });
});

async function expectStored(client: Client): Promise<void> {
  const purchases = Array.from({ length: PREDICTIONS }, (_, i) => kindOf(i)).filter((k) => k !== 'clickOnly').length;
  expect(client.accepted).toEqual({ predictions: PREDICTIONS, events: PREDICTIONS + purchases });
  const [counts] = await child.tables.all<{ predictions: number | string; events: number | string }>(
    `SELECT (SELECT COUNT(*) FROM predictions WHERE model = 'shop') AS predictions, (SELECT COUNT(*) FROM events WHERE model = 'shop') AS events`,
  );
  expect({ predictions: Number(counts.predictions), events: Number(counts.events) }).toEqual(client.accepted);
  const states = await eventStates();
  expect(Object.keys(states).filter((state) => state !== 'applied' && state !== 'matched')).toEqual([]);
}

interface EventRowRead {
  id: string;
  prediction_id: string;
  state: string;
  processed_at: number | string;
}
interface LabelRowRead {
  prediction_id: string;
  label: string;
  source: string;
  author: string;
  event_ids: string;
}
interface ChangeRowRead {
  prediction_id: string;
  old_label: string | null;
  old_source: string | null;
  new_label: string | null;
  new_source: string | null;
}

function byPrediction<T extends { prediction_id: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) out.set(row.prediction_id, [...(out.get(row.prediction_id) ?? []), row]);
  return out;
}

async function expectLabelsAndOutbox(): Promise<void> {
  const events = new Map(
    (await child.tables.all<EventRowRead>(`SELECT id, prediction_id, state, processed_at FROM events WHERE model = 'shop'`)).map(
      (e) => [e.id, e],
    ),
  );
  const labels = byPrediction(
    await child.tables.all<LabelRowRead>(
      `SELECT prediction_id, label, source, author, event_ids FROM labels WHERE model = 'shop'`,
    ),
  );
  const changes = byPrediction(
    await child.tables.all<ChangeRowRead>(
      `SELECT prediction_id, old_label, old_source, new_label, new_source FROM label_changes WHERE model = 'shop' ORDER BY seq`,
    ),
  );
  const effective = new Map(
    (
      await child.tables.all<{ id: string; effective_label: string | null; effective_source: string | null }>(
        `SELECT id, effective_label, effective_source FROM predictions WHERE model = 'shop'`,
      )
    ).map((p) => [p.id, `${p.effective_label}/${p.effective_source}`]),
  );
  const duplicates = await child.tables.all(
    `SELECT model, prediction_id, source, author, COUNT(*) AS n FROM labels GROUP BY model, prediction_id, source, author HAVING COUNT(*) > 1`,
  );
  expect(duplicates).toEqual([]);

  const problems: string[] = [];
  const twoChanges = 'null/null>click/direct, click/direct>purchase/direct';
  const oneChange = (label: string) => `null/null>${label}/direct`;
  for (let i = 0; i < PREDICTIONS; i++) {
    const id = predictionIdOf(i);
    const kind = kindOf(i);
    const fail = (what: string) => problems.push(`${id} (${kind}): ${what}`);
    const clickEvent = events.get(clickIdOf(i))!;
    const purchaseEvent = kind === 'clickOnly' ? null : events.get(purchaseIdOf(i))!;
    const expectedLabel = purchaseEvent ? 'purchase' : 'click';

    const own = labels.get(id) ?? [];
    if (own.length !== 1 || own[0].source !== 'direct' || own[0].author !== '' || own[0].label !== expectedLabel)
      fail(`labels ${JSON.stringify(own.map((l) => `${l.label}/${l.source}/${l.author}`))}, want one direct ${expectedLabel}`);
    const evidence = own.length === 1 ? (JSON.parse(own[0].event_ids) as string[]) : [];
    const wantEvidence = purchaseEvent ? [clickIdOf(i), purchaseIdOf(i)] : [clickIdOf(i)];
    if (JSON.stringify([...evidence].sort()) !== JSON.stringify([...wantEvidence].sort()))
      fail(`evidence ${JSON.stringify(evidence)}, want each of ${JSON.stringify(wantEvidence)} once`);
    if (effective.get(id) !== `${expectedLabel}/direct`) fail(`effective ${effective.get(id)}, want ${expectedLabel}/direct`);

    const chain = (changes.get(id) ?? []).map((c) => `${c.old_label}/${c.old_source}>${c.new_label}/${c.new_source}`);
    const got = chain.join(', ');
    const allowed =
      kind === 'clickOnly'
        ? [oneChange('click')]
        : kind === 'clickFirst'
          ? [twoChanges]
          : kind === 'together'
            ? [oneChange('purchase')]
            : [oneChange('purchase'), twoChanges];
    if (!allowed.includes(got)) fail(`outbox [${got}], want one of ${JSON.stringify(allowed)}`);

    if (kind === 'clickOnly' || kind === 'clickFirst') {
      if (clickEvent.state !== 'applied') fail(`click ${clickEvent.state}, want applied`);
    } else if (clickEvent.state !== 'applied' && clickEvent.state !== 'matched') fail(`click ${clickEvent.state}`);
    if (purchaseEvent) {
      if (purchaseEvent.state !== 'applied') fail(`purchase ${purchaseEvent.state}, want applied`);
      // Events of one tick share processed_at, so only ticks (not transactions) can be told apart.
      const clickAt = Number(clickEvent.processed_at);
      const purchaseAt = Number(purchaseEvent.processed_at);
      if (got === twoChanges && !(clickEvent.state === 'applied' && clickAt <= purchaseAt))
        fail(`two changes, but the click was ${clickEvent.state} at ${clickAt} and the purchase applied at ${purchaseAt}`);
      if (got === oneChange('purchase') && clickEvent.state === 'applied' && clickAt !== purchaseAt)
        fail(`one change, but click and purchase were applied in different ticks (${clickAt}, ${purchaseAt})`);
      if (got === oneChange('purchase') && clickEvent.state === 'matched' && clickAt < purchaseAt)
        fail(`the click matched at ${clickAt}, before the purchase was applied at ${purchaseAt}`);
    }
  }
  expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
  // Every outbox row belongs to one of the predictions checked above.
  expect(changes.size).toBe(PREDICTIONS);
}
