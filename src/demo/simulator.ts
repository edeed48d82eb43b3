import { RelabelClient } from '../../clients/ts/src/index.js';
import {
  arrangeHistory,
  type BehaviourOptions,
  type BehaviourPlan,
  hashSeed,
  humanLabel,
  IMPLICIT_AFTER_MS,
  type PlannedEvent,
  planBehaviour,
} from './behaviour.js';
import { DueQueue } from './due-queue.js';
import { SeededRandom } from '../common/random.js';
import {
  DEMO_LABELING_FUNCTIONS,
  MODEL_NAME,
  type PredictionPayload,
  SHOP_RECOMMENDER_MODEL,
  ShopWorld,
  type Truth,
} from './shop-world.js';
import { BoundedMap } from './truth-store.js';

const DAY_MS = 86_400_000;
/** Events per POST /api/v1/events. */
const EVENT_BATCH = 500;
/** At most this many due items are sent per live tick; the rest wait for the next one. */
const MAX_DUE_PER_TICK = 5000;
/** How many example prediction ids of each kind are kept for the banner and the tests. */
const EXAMPLES = 10;
const LABEL_SOURCES = ['direct', 'implicit', 'manual', 'audit'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

export interface SimulatorOptions {
  baseUrl: string;
  adminToken: string;
  /** Same seed, same catalogue, scores, outcomes and user behaviour. */
  seed?: number;
  /** Goes into every prediction id so that runs against the same database do not collide. */
  runId?: string;
  /** How many predictions' hidden outcomes to remember (oldest forgotten first). */
  truthCapacity?: number;
  /** How many future events and slow prediction logs may wait to be sent; beyond that, new ones are dropped. */
  queueCapacity?: number;
  /** Shares of slow prediction logs (events arrive first) and of late return clicks. */
  behaviour?: BehaviourOptions;
  /** When model version v2 replaced v1; default one day before the simulator was made. */
  v2Since?: number;
  /** Register the demo's labeling functions too (npm run demo does; tests of the label job do not). */
  labelingFunctions?: boolean;
  /** When Brazil's price feed switched to cents; default 12 hours before the simulator was made. */
  priceInCentsSince?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface IngestTotals {
  sent: number;
  accepted: number;
  duplicates: number;
}

/** Counted from the service's answers, except `late`: events sent with timestamps after their window. */
export interface EventTotals extends IngestTotals {
  /** Stored with their prediction already there. */
  joined: number;
  /** Stored before their prediction arrived. */
  pending: number;
  late: number;
}

export interface ManualLabelTotals {
  sent: number;
  /** How many of them agree with the hidden truth. */
  agreeWithTruth: number;
}

export interface SimulatorStats {
  /** Predictions whose log was sent after their events (events posted first). */
  heldBack: number;
  /** Future events and slow logs the full queue refused. */
  dropped: number;
  /** Items whose POST failed and that were given up. */
  failed: number;
}

export interface BackfillOptions {
  days: number;
  perDay: number;
  batchSize?: number;
}

export interface RunOptions {
  ratePerSecond: number;
  /** How often a small batch is sent. */
  tickMs?: number;
}

export interface LabelByHandOptions {
  count: number;
  /** How often the human agrees with the hidden truth. */
  accuracy?: number;
  concurrency?: number;
}

/** What GET /api/v1/models/shop-recommender/predictions/:id shows for a sample of predictions. */
export interface LabelSample {
  predictions: number;
  /** Predictions with at least one label of the source. */
  withLabel: Record<LabelSource, number>;
  /** Predictions by the source of their effective label ('none': no label yet). */
  effective: Record<LabelSource | 'none', number>;
  /** Predictions the label job has not caught up with: an event not yet processed, or past the implicit window with no label. */
  unsettled: number;
}

type Due =
  { kind: 'event'; dueAt: number; event: PlannedEvent } | { kind: 'prediction'; dueAt: number; payload: PredictionPayload };

/**
 * Plays the shop-recommender model and its users against a relabel service, over its public HTTP
 * API only. Phases are methods: setUp, backfill, labelByHand, run/stop, tearDown. What each user
 * really did is kept per prediction id (`truthOf`); the users' clicks and purchases are played from it
 * (see behaviour.ts): past ones with their past timestamps, future ones when their time comes.
 */
export class Simulator {
  readonly totals: IngestTotals = { sent: 0, accepted: 0, duplicates: 0 };
  readonly eventTotals: EventTotals = { sent: 0, accepted: 0, duplicates: 0, joined: 0, pending: 0, late: 0 };
  readonly manualTotals: ManualLabelTotals = { sent: 0, agreeWithTruth: 0 };
  readonly stats: SimulatorStats = { heldBack: 0, dropped: 0, failed: 0 };
  /** A few predictions whose events were sent before them (early), and a few with a late event. */
  readonly examples: { early: string[]; late: string[] } = { early: [], late: [] };
  private readonly seed: number;
  private readonly world: ShopWorld;
  private readonly timing: SeededRandom;
  private readonly admin: RelabelClient;
  private readonly truths: BoundedMap<string, Truth>;
  private readonly queue: DueQueue<Due>;
  /** Slow logs waiting in the queue: remembered, but not stored by the service yet. */
  private readonly undelivered = new Set<string>();
  private readonly runId: string;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private ingest: { client: RelabelClient; tokenId: string } | null = null;
  private labeler: { client: RelabelClient; tokenId: string } | null = null;
  private live: { abort: AbortController; done: Promise<void> } | null = null;
  private seq = 0;

  constructor(private readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.runId = options.runId ?? this.now().toString(36);
    this.seed = options.seed ?? 42;
    this.timing = new SeededRandom(this.seed ^ 0x5bd1e995);
    this.world = new ShopWorld(this.seed, {
      v2Since: options.v2Since ?? this.now() - DAY_MS,
      priceInCents: { country: 'br', since: options.priceInCentsSince ?? this.now() - DAY_MS / 2 },
    });
    this.admin = new RelabelClient({ url: options.baseUrl, token: options.adminToken });
    this.truths = new BoundedMap(options.truthCapacity ?? 100_000);
    this.queue = new DueQueue(options.queueCapacity ?? 50_000);
  }

  /** Registers (or replaces) the model and creates the ingest token the simulator sends with. */
  async setUp(): Promise<void> {
    await this.admin.put('/api/v1/models/{model}', { path: { model: MODEL_NAME }, body: SHOP_RECOMMENDER_MODEL });
    if (this.options.labelingFunctions)
      for (const [name, fn] of Object.entries(DEMO_LABELING_FUNCTIONS))
        await this.admin.put('/api/v1/models/{model}/labeling-functions/{name}', {
          path: { model: MODEL_NAME, name },
          body: fn as never,
        });
    this.ingest = await this.createToken('demo-simulator', 'ingest');
  }

  /**
   * Sends `days * perDay` predictions with timestamps spread evenly (with jitter) over the past `days`,
   * oldest first, with the events their users sent since (past timestamps). Per batch: the events that
   * must precede their predictions, the predictions, then the other events (see arrangeHistory). Slow
   * logs go with the next batch. Events not due yet wait for run(). Resolves to the prediction totals.
   */
  /**
   * Makes the default monitoring baseline from the first day of the backfill (before Brazil's price
   * feed switched to cents), so the monitoring page has a drift to show.
   */
  async createBaseline(days: number): Promise<void> {
    const end = this.now() - 60_000;
    await this.admin.post('/api/v1/models/{model}/baselines', {
      path: { model: MODEL_NAME },
      body: {
        name: 'first-day',
        default: true,
        from: new Date(end - days * DAY_MS).toISOString(),
        to: new Date(end - (days - 1) * DAY_MS).toISOString(),
      },
    });
  }

  async backfill({ days, perDay, batchSize = 1000 }: BackfillOptions): Promise<IngestTotals> {
    const total = Math.round(days * perDay);
    const now = this.now();
    const end = now - 60_000;
    const start = end - days * DAY_MS;
    const slot = (end - start) / Math.max(total, 1);
    const totals: IngestTotals = { sent: 0, accepted: 0, duplicates: 0 };
    let slowLogs: PredictionPayload[] = [];
    for (let first = 0; first < total; first += batchSize) {
      const count = Math.min(batchSize, total - first);
      const batch = Array.from({ length: count }, (_, i) => {
        const payload = this.next(Math.round(start + (first + i + this.timing.next()) * slot));
        return { payload, plan: this.plan(payload) };
      });
      const { before, after, later } = arrangeHistory(
        batch.map(({ payload, plan }) => ({ plan, ts: Date.parse(payload.timestamp) })),
        now,
      );
      await this.sendEvents(before);
      const onTime = batch.filter((p) => p.plan.delayedUntil === null).map((p) => p.payload);
      add(totals, await this.send([...slowLogs, ...onTime]));
      this.delivered(slowLogs);
      slowLogs = batch.filter((p) => p.plan.delayedUntil !== null).map((p) => p.payload);
      for (const p of slowLogs) this.undelivered.add(p.id);
      await this.sendEvents(after);
      for (const event of later) this.schedule({ kind: 'event', dueAt: event.ts, event });
      this.log(`backfill: ${totals.sent + slowLogs.length}/${total} predictions, ${this.eventTotals.sent} events sent`);
    }
    if (slowLogs.length > 0) {
      add(totals, await this.send(slowLogs));
      this.delivered(slowLogs);
    }
    return totals;
  }

  /**
   * Labels `count` stored predictions, chosen at random, by hand through POST /api/v1/labels with a
   * labeler token named demo-labeler: a plausibly noisy human who mostly agrees with the hidden truth.
   */
  async labelByHand({
    count,
    accuracy = 0.85,
    concurrency = 4,
  }: LabelByHandOptions): Promise<ManualLabelTotals & { labels: { predictionId: string; label: string }[] }> {
    this.labeler ??= await this.createToken('demo-labeler', 'labeler');
    const labeler = this.labeler.client;
    const rng = new SeededRandom(hashSeed(this.seed, `labeler:${this.runId}:${this.manualTotals.sent}`));
    const work = sampleOf(this.predictionIds(), count, rng).map((predictionId) => {
      const truth = this.truths.get(predictionId)!;
      return { predictionId, label: humanLabel(truth.outcome, rng, accuracy), truth: truth.outcome };
    });
    const totals: ManualLabelTotals = { sent: 0, agreeWithTruth: 0 };
    await inParallel(work, concurrency, async ({ predictionId, label, truth }) => {
      await labeler.post('/api/v1/labels', { body: { model: MODEL_NAME, predictionId, label } });
      totals.sent++;
      if (label === truth) totals.agreeWithTruth++;
    });
    this.manualTotals.sent += totals.sent;
    this.manualTotals.agreeWithTruth += totals.agreeWithTruth;
    return { ...totals, labels: work.map(({ predictionId, label }) => ({ predictionId, label })) };
  }

  /** Reads up to `size` of the remembered predictions (evenly spread) back from the service and counts their labels by source. */
  async sampleLabels(size: number): Promise<LabelSample> {
    const ids = this.predictionIds();
    const step = Math.max(1, ids.length / Math.max(size, 1));
    const picked = [...new Set(Array.from({ length: Math.min(size, ids.length) }, (_, i) => ids[Math.floor(i * step)]))];
    const sample: LabelSample = {
      predictions: 0,
      withLabel: { direct: 0, implicit: 0, manual: 0, audit: 0 },
      effective: { direct: 0, implicit: 0, manual: 0, audit: 0, none: 0 },
      unsettled: 0,
    };
    const checkedAt = this.now();
    await inParallel(picked, 8, async (id) => {
      const p = await this.admin.get('/api/v1/models/{model}/predictions/{id}', {
        path: { model: MODEL_NAME, id },
      });
      sample.predictions++;
      for (const source of LABEL_SOURCES) if (p.labels.some((l) => l.source === source)) sample.withLabel[source]++;
      const effective = p.effectiveLabel?.source ?? undefined;
      sample.effective[isLabelSource(effective) ? effective : 'none']++;
      const waiting = p.events.some((e) => e.state === 'new' || e.state === 'pending');
      if (waiting || (!p.effectiveLabel && Date.parse(p.timestamp) + IMPLICIT_AFTER_MS < checkedAt - 10_000)) sample.unsettled++;
    });
    return sample;
  }

  /** Streams live predictions in small batches, and the events that fall due, until stop(); the promise settles when streaming has ended. */
  run({ ratePerSecond, tickMs = 1000 }: RunOptions): Promise<void> {
    if (this.live) throw new Error('the simulator is already running');
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    const abort = new AbortController();
    const done = this.stream(ratePerSecond, tickMs, abort.signal);
    this.live = { abort, done };
    return done;
  }

  /** Ends live streaming; the batch in flight, if any, completes first. */
  async stop(): Promise<void> {
    const live = this.live;
    if (!live) return;
    live.abort.abort();
    await live.done;
    this.live = null;
  }

  /** Revokes the simulator's tokens; the simulator cannot send afterwards. */
  async tearDown(): Promise<void> {
    await this.stop();
    for (const token of [this.ingest, this.labeler]) {
      if (token) await this.admin.delete('/api/v1/tokens/{id}', { path: { id: token.tokenId }, expect: [204, 404] });
    }
    this.ingest = null;
    this.labeler = null;
  }

  /** What really happened after a prediction this simulator sent, while it is remembered. */
  truthOf(id: string): Truth | undefined {
    return this.truths.get(id);
  }

  /** Ids of the remembered predictions that the service has stored, oldest first. */
  predictionIds(): string[] {
    const ids: string[] = [];
    for (const [id] of this.truths) if (!this.undelivered.has(id)) ids.push(id);
    return ids;
  }

  /** Events and slow logs waiting for their time. */
  get queued(): number {
    return this.queue.size;
  }

  private async stream(ratePerSecond: number, tickMs: number, signal: AbortSignal): Promise<void> {
    let owed = 0;
    while (!signal.aborted) {
      const tickStart = this.now();
      owed += (ratePerSecond * tickMs) / 1000;
      const count = Math.floor(owed);
      owed -= count;
      if (count > 0) {
        const onTime: { payload: PredictionPayload; plan: BehaviourPlan }[] = [];
        for (let i = 0; i < count; i++) {
          const payload = this.next(Math.round(tickStart - tickMs + ((i + 1) * tickMs) / count));
          const plan = this.plan(payload);
          if (plan.delayedUntil !== null && this.queue.fits(plan.events.length + 1)) {
            // A slow log: its events go out when due, the prediction a little after the first one.
            this.undelivered.add(payload.id);
            this.schedule({ kind: 'prediction', dueAt: plan.delayedUntil, payload });
            for (const event of plan.events) this.schedule({ kind: 'event', dueAt: event.ts, event });
          } else onTime.push({ payload, plan });
        }
        const batch = onTime.map((p) => p.payload);
        try {
          if (batch.length > 0) await this.send(batch, signal);
          for (const { plan } of onTime)
            for (const event of plan.events) this.schedule({ kind: 'event', dueAt: event.ts, event });
        } catch (error) {
          // Batches are atomic: a refused one stored nothing, so its outcomes must not produce events later.
          for (const p of batch) this.truths.delete(p.id);
          if (signal.aborted) break;
          this.log(`live: a batch of ${batch.length} failed (${message(error)}); continuing`);
        }
      }
      await this.sendDue(signal);
      await sleep(Math.max(0, tickStart + tickMs - this.now()), signal);
    }
  }

  /** Sends what has fallen due: events first (in small batches), then slow prediction logs. */
  private async sendDue(signal: AbortSignal): Promise<void> {
    const due = this.queue.takeDue(this.now(), MAX_DUE_PER_TICK);
    const events = due.filter((d) => d.kind === 'event');
    const logs = due.filter((d) => d.kind === 'prediction');
    for (let i = 0; i < events.length; i += EVENT_BATCH) {
      if (signal.aborted) {
        // Stopping: whatever was not sent waits for the next run().
        for (const d of [...events.slice(i), ...logs]) this.queue.push(d.dueAt, d);
        return;
      }
      const chunk = events.slice(i, i + EVENT_BATCH);
      try {
        await this.sendEvents(
          chunk.map((d) => d.event),
          signal,
        );
      } catch (error) {
        this.stats.failed += chunk.length;
        this.log(`live: ${chunk.length} events failed (${message(error)}); dropped`);
      }
    }
    if (logs.length === 0) return;
    const payloads = logs.map((d) => d.payload);
    try {
      await this.send(payloads, signal);
      this.delivered(payloads);
    } catch (error) {
      for (const p of payloads) {
        this.truths.delete(p.id);
        this.undelivered.delete(p.id);
      }
      this.stats.failed += payloads.length;
      this.log(`live: ${payloads.length} slow prediction logs failed (${message(error)}); their events stay orphaned`);
    }
  }

  private plan(payload: PredictionPayload): BehaviourPlan {
    return planBehaviour(payload.id, this.truths.get(payload.id)!, this.seed, this.options.behaviour);
  }

  private schedule(item: Due): void {
    if (!this.queue.push(item.dueAt, item)) this.stats.dropped++;
  }

  /** Slow logs the service has now stored, after their events. */
  private delivered(payloads: PredictionPayload[]): void {
    for (const p of payloads) {
      this.undelivered.delete(p.id);
      this.stats.heldBack++;
      if (this.examples.early.length < EXAMPLES) this.examples.early.push(p.id);
    }
  }

  private next(ts: number): PredictionPayload {
    this.seq++;
    const { payload, truth } = this.world.generate(`demo-${this.runId}-${String(this.seq).padStart(7, '0')}`, ts);
    this.truths.set(payload.id, truth);
    return payload;
  }

  private async createToken(name: string, role: 'ingest' | 'labeler'): Promise<{ client: RelabelClient; tokenId: string }> {
    const token = await this.admin.post('/api/v1/tokens', { body: { name, role } });
    return { client: new RelabelClient({ url: this.options.baseUrl, token: token.token }), tokenId: token.id };
  }

  private async send(predictions: PredictionPayload[], stopRetrying?: AbortSignal): Promise<IngestTotals> {
    if (!this.ingest) throw new Error('call setUp() before sending predictions');
    const result = await this.ingest.client.post('/api/v1/predictions', { body: { predictions }, stopRetrying });
    const sent = { sent: predictions.length, accepted: result.accepted, duplicates: result.duplicates };
    add(this.totals, sent);
    return sent;
  }

  private async sendEvents(events: PlannedEvent[], stopRetrying?: AbortSignal): Promise<void> {
    if (!this.ingest) throw new Error('call setUp() before sending events');
    for (let i = 0; i < events.length; i += EVENT_BATCH) {
      const chunk = events.slice(i, i + EVENT_BATCH);
      const result = await this.ingest.client.post('/api/v1/events', {
        body: { events: chunk.map((e) => e.payload) },
        stopRetrying,
      });
      const t = this.eventTotals;
      t.sent += chunk.length;
      t.accepted += result.accepted;
      t.duplicates += result.duplicates;
      t.joined += result.joined;
      t.pending += result.pending;
      for (const e of chunk) {
        if (!e.late) continue;
        t.late++;
        if (this.examples.late.length < EXAMPLES) this.examples.late.push(e.payload.predictionId);
      }
    }
  }
}

function add(into: IngestTotals, more: IngestTotals): void {
  into.sent += more.sent;
  into.accepted += more.accepted;
  into.duplicates += more.duplicates;
}

function isLabelSource(source: string | undefined): source is LabelSource {
  return (LABEL_SOURCES as readonly (string | undefined)[]).includes(source);
}

/** Up to `n` distinct items chosen at random (a partial Fisher-Yates shuffle), in the order drawn. */
export function sampleOf<T>(items: readonly T[], n: number, rng: SeededRandom): T[] {
  const pool = [...items];
  const k = Math.min(n, pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

/** Runs `work` over `items` with at most `limit` at a time; fails with the first failure once all started ones have settled. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | null = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== null) throw (failed as { error: unknown }).error;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
