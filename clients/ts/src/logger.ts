import { randomUUID } from 'node:crypto';
import type { RelabelClient } from './client.js';
import { RelabelError } from './errors.js';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy, sleep } from './retry.js';
import type { EventInput, PredictionInput } from './types.js';

export interface LoggerOptions {
  /** Rows per request, and the queue length that starts a send at once (default 500; relabel takes up to 10,000). */
  batchSize?: number;
  /** The longest a logged row waits before it is sent (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Rows held (queued and in flight), at most (default 100,000). log() drops the newest beyond it and counts them. */
  maxQueue?: number;
  /** How long a batch is re-sent after network errors, 429 and 5xx before it is dropped (default 120,000 ms). */
  retryForMs?: number;
  /** Backoff between those re-sends (full jitter; Retry-After honoured). */
  retry?: Partial<Omit<RetryPolicy, 'attempts'>>;
  /** Rows refused for good (a 4xx, or not JSON), with why: index in the request and field when the service said. */
  onRejected?: (rejected: RejectedRow[]) => void;
  /** Rows given up on, and why. */
  onDropped?: (rows: unknown[], reason: DropReason) => void;
  /** Where problems are reported (default console.warn); never thrown. */
  warn?: (message: string) => void;
  /** The current W3C trace id for predictions without one, e.g. () => trace.getActiveSpan()?.spanContext().traceId. */
  currentTraceId?: () => string | undefined;
}

export type DropReason = 'queue_full' | 'closed' | 'retries_exhausted' | 'unsent_at_close';

export interface RejectedRow {
  row: unknown;
  /** The HTTP status; 0 for a row refused at log() (not JSON). */
  status: number;
  /** The row's index in the request that was refused. */
  index?: number;
  field?: string;
  message: string;
}

/** Counters since the logger started, in rows. */
export interface LoggerStats {
  /** Taken by log() into the queue. */
  logged: number;
  /** Waiting to be sent. */
  queued: number;
  /** In the request being sent (or retried). */
  inFlight: number;
  /** Confirmed by the service: stored now, or identical re-sends of stored rows. */
  sent: number;
  /** Of sent, the identical re-sends. */
  duplicates: number;
  /** Re-sends after a network error, 429 or 5xx. */
  retried: number;
  /** Given up on: queue full, logged after close(), retries exhausted, or unsent when close() ended. */
  dropped: number;
  /** Refused for good: a 4xx, or not JSON at log(). */
  rejected: number;
  /** Requests made. */
  requests: number;
}

interface Endpoint<Row> {
  path: string;
  body: (rows: Row[]) => unknown;
  /** Whether rows have a traceId field (predictions do, events do not). */
  traceIds: boolean;
}

/** JSON.stringify replacer that refuses what JSON would silently turn into null. */
function strictJson(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`${key || 'the row'} is ${value}`);
  return value;
}

/**
 * A buffered, non-blocking logger for request handlers. log() copies the row (later changes to the
 * caller's objects do not leak in), gives it an id when it has none (relabel's idempotency key) and
 * a timestamp of now, and queues it; at most `maxQueue` rows are held, beyond that the newest row is
 * dropped and counted. A background loop sends a batch once `batchSize` rows wait or
 * `flushIntervalMs` passed, one request at a time. A batch that meets a network error, 429 or 5xx
 * is re-sent with jittered backoff (Retry-After honoured) for up to `retryForMs`, then dropped:
 * re-sends are safe, because relabel stores a row once per id. A 4xx is final: the rows it names by
 * index (or id, for a 409) are rejected and the rest of the batch sent again (relabel stores a batch
 * all or nothing); a 413 halves the batch; another 4xx (401, 403) rejects the batch. Nothing here
 * throws into the caller: problems are counted (stats()), reported to the callbacks and `warn`.
 */
export abstract class BufferedLogger<Row extends { id?: string; model?: string; timestamp?: string }> {
  private readonly queue: Row[] = [];
  private inFlight = 0;
  private readonly counts = { logged: 0, sent: 0, duplicates: 0, retried: 0, dropped: 0, rejected: 0, requests: 0 };
  private readonly batchSize: number;
  private readonly maxQueue: number;
  private readonly retryForMs: number;
  private readonly backoff: RetryPolicy;
  private readonly timer: NodeJS.Timeout;
  private loop: Promise<void> | null = null;
  private closed = false;
  private readonly giveUp = new AbortController();
  private overflowing = false;
  /** Rows settled (sent, rejected or dropped after they were queued), in queue order. */
  private settled = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  protected constructor(
    private readonly client: RelabelClient,
    private readonly endpoint: Endpoint<Row>,
    private readonly options: LoggerOptions,
  ) {
    this.batchSize = Math.max(1, Math.min(10_000, options.batchSize ?? 500));
    this.maxQueue = Math.max(1, options.maxQueue ?? 100_000);
    this.retryForMs = options.retryForMs ?? 120_000;
    this.backoff = { ...DEFAULT_RETRY, ...options.retry, attempts: Number.POSITIVE_INFINITY };
    this.timer = setInterval(() => this.kick(), Math.max(1, options.flushIntervalMs ?? 1000));
    this.timer.unref();
  }

  /** Queues a copy of the row; its id, or undefined when it was dropped or rejected. Never throws, never waits. */
  protected enqueue(row: Row, model: string | undefined): string | undefined {
    try {
      if (this.closed) return this.drop([row], 'closed');
      if (this.queue.length + this.inFlight >= this.maxQueue) {
        if (!this.overflowing) {
          this.overflowing = true;
          this.warn(`relabel logger: queue full (${this.maxQueue} rows); dropping new rows until it drains`);
        }
        return this.drop([row], 'queue_full');
      }
      this.overflowing = false;
      let copy: Row;
      try {
        copy = JSON.parse(JSON.stringify(row, strictJson)) as Row;
        if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) throw new TypeError('a row must be an object');
      } catch (error) {
        this.reject([{ row, status: 0, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
        return undefined;
      }
      const id = copy.id ?? randomUUID();
      const traceId = this.endpoint.traceIds
        ? ((copy as { traceId?: string }).traceId ?? this.options.currentTraceId?.())
        : undefined;
      this.queue.push({
        ...copy,
        id,
        ...(copy.model === undefined && model !== undefined ? { model } : {}),
        timestamp: copy.timestamp ?? new Date().toISOString(),
        ...(traceId ? { traceId } : {}),
      });
      this.counts.logged++;
      if (this.queue.length >= this.batchSize) queueMicrotask(() => this.kick());
      return id;
    } catch (error) {
      this.warn(`relabel logger: could not queue a row: ${String(error)}`);
      return this.drop([row], 'queue_full');
    }
  }

  stats(): LoggerStats {
    return { ...this.counts, queued: this.queue.length, inFlight: this.inFlight };
  }

  /**
   * Sends what is queued now; resolves true once every row logged before the call is settled (sent,
   * rejected or dropped), false if that has not happened within `timeoutMs` (the rows stay queued and
   * keep being retried). Never rejects.
   */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    const upTo = this.counts.logged;
    if (this.settled >= upTo) return true;
    const done = new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([done.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops taking rows (later log() calls drop theirs), sends what is queued for up to `timeoutMs`, then
   * gives up on the rest (dropped, unsent_at_close). Resolves to the final counts; never rejects.
   */
  async close(timeoutMs = 10_000): Promise<LoggerStats> {
    if (!this.closed) {
      this.closed = true;
      const flushed = await this.flush(timeoutMs);
      clearInterval(this.timer);
      if (!flushed) {
        this.giveUp.abort();
        await this.loop;
        const left = this.queue.splice(0);
        if (left.length > 0) {
          this.drop(left, 'unsent_at_close');
          this.settle(left.length);
          this.warn(`relabel logger: closed with ${left.length} rows unsent (dropped)`);
        }
      }
    }
    return this.stats();
  }

  private kick(): void {
    if (this.loop || this.queue.length === 0) return;
    this.loop = this.drain().finally(() => {
      this.loop = null;
      if (this.queue.length >= this.batchSize || (this.queue.length > 0 && this.waiters.length > 0)) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.giveUp.signal.aborted) {
      const batch = this.queue.splice(0, this.batchSize);
      this.inFlight = batch.length;
      try {
        const unsent = await this.deliver(batch, Date.now());
        if (unsent.length > 0) this.queue.unshift(...unsent);
        this.settle(batch.length - unsent.length);
      } catch (error) {
        this.warn(`relabel logger: unexpected failure, batch requeued: ${String(error)}`);
        this.queue.unshift(...batch);
        await sleep(this.backoff.baseDelayMs, this.giveUp.signal);
      } finally {
        this.inFlight = 0;
      }
      if (this.queue.length < this.batchSize && this.waiters.length === 0) break;
    }
  }

  /**
   * Sends a batch until it is stored, refused (splitting off refused rows, halving it on 413) or
   * dropped after `retryForMs`; returns the rows left unsent when close() gives up. The caller settles the rest.
   */
  private async deliver(rows: Row[], started: number): Promise<Row[]> {
    let pending = rows;
    for (let retry = 1; pending.length > 0;) {
      try {
        this.counts.requests++;
        // One attempt per call: this loop does the retrying.
        const result = await this.client.request<{ duplicates?: unknown } | undefined>('POST', this.endpoint.path, {
          body: this.endpoint.body(pending),
          idempotent: true,
          attempts: 1,
          signal: this.giveUp.signal,
        });
        this.counts.sent += pending.length;
        if (typeof result?.duplicates === 'number') this.counts.duplicates += result.duplicates;
        return [];
      } catch (error) {
        if (error instanceof RelabelError && error.status === 413 && pending.length > 1) {
          // Over the service's body limit: each half on its own.
          const middle = Math.ceil(pending.length / 2);
          const unsent = await this.deliver(pending.slice(0, middle), started);
          const rest = pending.slice(middle);
          return [...unsent, ...(this.giveUp.signal.aborted ? rest : await this.deliver(rest, started))];
        }
        if (error instanceof RelabelError && error.status >= 400 && error.status < 500 && error.status !== 429) {
          pending = this.refuse(pending, error);
          continue;
        }
        if (this.giveUp.signal.aborted) return pending;
        if (Date.now() - started >= this.retryForMs) {
          this.warn(`relabel logger: dropping ${pending.length} rows after retrying for ${this.retryForMs} ms: ${String(error)}`);
          this.drop(pending, 'retries_exhausted');
          return [];
        }
        this.counts.retried += pending.length;
        const wait = backoffMs(retry++, this.backoff, error instanceof RelabelError ? error.retryAfterMs : undefined);
        if (retry === 3) this.warn(`relabel logger: ${pending.length} rows not delivered yet, still retrying: ${String(error)}`);
        await sleep(wait, this.giveUp.signal);
        if (this.giveUp.signal.aborted) return pending;
      }
    }
    return [];
  }

  /** Rejects the rows a 4xx names (all of them when it names none); returns the rest, to send again. */
  private refuse(rows: Row[], error: RelabelError): Row[] {
    const byIndex = new Map<number, { field?: string; message: string }>();
    for (const d of error.rowErrors) if (d.index < rows.length && !byIndex.has(d.index)) byIndex.set(d.index, d);
    const details = error.details;
    const conflictIds = !Array.isArray(details) && Array.isArray(details?.ids) ? new Set(details.ids as unknown[]) : null;
    if (conflictIds)
      rows.forEach((r, i) => conflictIds.has(r.id) && byIndex.set(i, { field: 'id', message: error.code ?? 'conflict' }));
    this.reject(
      byIndex.size > 0
        ? [...byIndex].map(([index, d]) => ({
            row: rows[index],
            status: error.status,
            index,
            field: d.field,
            message: d.message,
          }))
        : rows.map((row, index) => ({ row, status: error.status, index, message: error.message })),
      error,
    );
    return byIndex.size > 0 ? rows.filter((_, i) => !byIndex.has(i)) : [];
  }

  private reject(rejected: RejectedRow[], error?: RelabelError): void {
    this.counts.rejected += rejected.length;
    this.warn(`relabel logger: ${rejected.length} rows rejected${error ? ` (${error.status} ${error.code ?? ''})` : ''}`);
    this.callback(() => this.options.onRejected?.(rejected));
  }

  private drop(rows: unknown[], reason: DropReason): undefined {
    this.counts.dropped += rows.length;
    this.callback(() => this.options.onDropped?.(rows, reason));
    return undefined;
  }

  private callback(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.warn(`relabel logger: a callback threw: ${String(error)}`);
    }
  }

  private settle(n: number): void {
    this.settled += n;
    const ready = this.waiters.filter((w) => w.upTo <= this.settled);
    this.waiters = this.waiters.filter((w) => w.upTo > this.settled);
    for (const w of ready) w.resolve();
  }

  private warn(message: string): void {
    try {
      (this.options.warn ?? console.warn)(message);
    } catch {
      // a broken warn callback must not reach the caller either
    }
  }
}

/** A prediction to log: as POST /api/v1/predictions takes it, with id, model and timestamp optional. */
export type PredictionRow = Omit<PredictionInput, 'id' | 'model'> & { id?: string; model?: string };

/** A behaviour event to log: as POST /api/v1/events takes it, with id, model and timestamp optional. */
export type EventRow = Omit<EventInput, 'id' | 'model'> & { id?: string; model?: string };

export interface ModelLoggerOptions extends LoggerOptions {
  /** The model of rows that name none. */
  model?: string;
}

/** Logs predictions to POST /api/v1/predictions in batches (see BufferedLogger). */
export class PredictionLogger extends BufferedLogger<PredictionRow> {
  constructor(
    client: RelabelClient,
    private readonly defaults: ModelLoggerOptions = {},
  ) {
    super(client, { path: '/api/v1/predictions', body: (predictions) => ({ predictions }), traceIds: true }, defaults);
  }

  /** Queues a prediction without waiting; its id (generated when absent), or undefined when it was dropped or rejected. */
  log(row: PredictionRow): string | undefined {
    return this.enqueue(row, this.defaults.model);
  }
}

/** Logs behaviour events to POST /api/v1/events in batches (see BufferedLogger). */
export class EventLogger extends BufferedLogger<EventRow> {
  constructor(
    client: RelabelClient,
    private readonly defaults: ModelLoggerOptions = {},
  ) {
    super(client, { path: '/api/v1/events', body: (events) => ({ events }), traceIds: false }, defaults);
  }

  /** Queues an event without waiting; its id (generated when absent), or undefined when it was dropped or rejected. */
  log(row: EventRow): string | undefined {
    return this.enqueue(row, this.defaults.model);
  }
}
