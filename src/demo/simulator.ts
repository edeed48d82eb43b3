import { ApiClient } from './api-client.js';
import { Rng } from './random.js';
import { MODEL_NAME, type PredictionPayload, SHOP_RECOMMENDER_MODEL, ShopWorld, type Truth } from './shop-world.js';
import { BoundedMap } from './truth-store.js';

const DAY_MS = 86_400_000;

export interface SimulatorOptions {
  baseUrl: string;
  adminToken: string;
  /** Same seed, same catalogue, scores and outcomes. */
  seed?: number;
  /** Goes into every prediction id so that runs against the same database do not collide. */
  runId?: string;
  /** How many predictions' hidden outcomes to remember (oldest forgotten first). */
  truthCapacity?: number;
  /** When model version v2 replaced v1; default one day before the simulator was made. */
  v2Since?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface IngestTotals {
  sent: number;
  accepted: number;
  duplicates: number;
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

/**
 * Plays the shop-recommender model and its users against a relabel service, over its public HTTP
 * API only. Phases are methods: setUp, backfill, run/stop, tearDown. What each user really did is
 * kept per prediction id (`truthOf`), so that behaviour events can be played from it later.
 */
export class Simulator {
  readonly totals: IngestTotals = { sent: 0, accepted: 0, duplicates: 0 };
  private readonly world: ShopWorld;
  private readonly timing: Rng;
  private readonly admin: ApiClient;
  private readonly truths: BoundedMap<string, Truth>;
  private readonly runId: string;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private ingest: { client: ApiClient; tokenId: string } | null = null;
  private live: { abort: AbortController; done: Promise<void> } | null = null;
  private seq = 0;

  constructor(private readonly options: SimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.runId = options.runId ?? this.now().toString(36);
    this.timing = new Rng((options.seed ?? 42) ^ 0x5bd1e995);
    this.world = new ShopWorld(options.seed ?? 42, { v2Since: options.v2Since ?? this.now() - DAY_MS });
    this.admin = new ApiClient({ baseUrl: options.baseUrl, token: options.adminToken });
    this.truths = new BoundedMap(options.truthCapacity ?? 100_000);
  }

  /** Registers (or replaces) the model and creates the ingest token the simulator sends with. */
  async setUp(): Promise<void> {
    await this.admin.request('PUT', `/api/v1/models/${MODEL_NAME}`, SHOP_RECOMMENDER_MODEL, [200, 201]);
    const token = await this.admin.request<{ id: string; token: string }>(
      'POST',
      '/api/v1/tokens',
      { name: 'demo-simulator', role: 'ingest' },
      [201],
    );
    this.ingest = { client: new ApiClient({ baseUrl: this.options.baseUrl, token: token.token }), tokenId: token.id };
  }

  /** Sends `days * perDay` predictions with timestamps spread evenly (with jitter) over the past `days`, oldest first. */
  async backfill({ days, perDay, batchSize = 1000 }: BackfillOptions): Promise<IngestTotals> {
    const total = Math.round(days * perDay);
    const end = this.now() - 60_000;
    const start = end - days * DAY_MS;
    const slot = (end - start) / Math.max(total, 1);
    const totals: IngestTotals = { sent: 0, accepted: 0, duplicates: 0 };
    for (let first = 0; first < total; first += batchSize) {
      const count = Math.min(batchSize, total - first);
      const batch = Array.from({ length: count }, (_, i) =>
        this.next(Math.round(start + (first + i + this.timing.next()) * slot)),
      );
      add(totals, await this.send(batch));
      this.log(`backfill: ${totals.sent}/${total} predictions sent`);
    }
    return totals;
  }

  /** Streams live predictions in small batches until stop(); the promise settles when streaming has ended. */
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

  /** Revokes the simulator's ingest token; the simulator cannot send afterwards. */
  async tearDown(): Promise<void> {
    await this.stop();
    const ingest = this.ingest;
    this.ingest = null;
    if (ingest) await this.admin.request('DELETE', `/api/v1/tokens/${ingest.tokenId}`, undefined, [204, 404]);
  }

  /** What really happened after a prediction this simulator sent, while it is remembered. */
  truthOf(id: string): Truth | undefined {
    return this.truths.get(id);
  }

  /** Ids of the remembered predictions, oldest first. */
  predictionIds(): string[] {
    return [...this.truths].map(([id]) => id);
  }

  private async stream(ratePerSecond: number, tickMs: number, signal: AbortSignal): Promise<void> {
    let owed = 0;
    while (!signal.aborted) {
      const tickStart = this.now();
      owed += (ratePerSecond * tickMs) / 1000;
      const count = Math.floor(owed);
      owed -= count;
      if (count > 0) {
        const batch = Array.from({ length: count }, (_, i) =>
          this.next(Math.round(tickStart - tickMs + ((i + 1) * tickMs) / count)),
        );
        try {
          await this.send(batch, signal);
        } catch (error) {
          // Batches are atomic: a refused one stored nothing, so its outcomes must not produce events later.
          for (const p of batch) this.truths.delete(p.id);
          if (signal.aborted) break;
          this.log(`live: a batch of ${count} failed (${error instanceof Error ? error.message : String(error)}); continuing`);
        }
      }
      await sleep(Math.max(0, tickStart + tickMs - this.now()), signal);
    }
  }

  private next(ts: number): PredictionPayload {
    this.seq++;
    const { payload, truth } = this.world.generate(`demo-${this.runId}-${String(this.seq).padStart(7, '0')}`, ts);
    this.truths.set(payload.id, truth);
    return payload;
  }

  private async send(predictions: PredictionPayload[], stopRetrying?: AbortSignal): Promise<IngestTotals> {
    if (!this.ingest) throw new Error('call setUp() before sending predictions');
    const result = await this.ingest.client.request<{ accepted: number; duplicates: number }>(
      'POST',
      '/api/v1/predictions',
      { predictions },
      [201],
      stopRetrying,
    );
    const sent = { sent: predictions.length, accepted: result.accepted, duplicates: result.duplicates };
    add(this.totals, sent);
    return sent;
  }
}

function add(into: IngestTotals, more: IngestTotals): void {
  into.sent += more.sent;
  into.accepted += more.accepted;
  into.duplicates += more.duplicates;
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
