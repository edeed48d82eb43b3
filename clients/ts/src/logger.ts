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
  /** Rows waiting to be sent, at most (default 10,000). log() drops the newest beyond it and counts them. */
  maxQueue?: number;
  /** Backoff between re-sends of a batch after a network error, 429 or 5xx; it is re-sent until it goes or close() gives up. */
  retry?: Partial<Omit<RetryPolicy, 'attempts'>>;
  /** Rows the service refused for good (4xx), with why: by index in the batch and field when it said. */
  onRejected?: (rejected: RejectedRow[]) => void;
  /** Where problems are reported (default console.warn); never thrown. */
  warn?: (message: string) => void;
  /** The current W3C trace id for rows without one, e.g. () => trace.getActiveSpan()?.spanContext().traceId. */
  currentTraceId?: () => string | undefined;
}

export interface RejectedRow {
  row: unknown;
  status: number;
  /** The row's index in the request that was refused. */
  index?: number;
  field?: string;
  message: string;
}

export interface LoggerStats {
  /** Waiting to be sent. */
  queued: number;
  /** In the request being sent (or retried). */
  inFlight: number;
  /** Confirmed by the service (stored, or identical re-sends of stored rows). */
  sent: number;
  /** Re-sends of rows after a network error, 429 or 5xx. */
  retried: number;
  /** Never sent: the queue was full, the logger was closed, or close() gave up on them. */
  dropped: number;
  /** Refused for good by the service (4xx), reported to onRejected. */
  rejected: number;
}

interface Endpoint<Row> {
  path: string;
  body: (rows: Row[]) => unknown;
  /** Whether rows have a traceId field (predictions do, events do not). */
  traceIds: boolean;
}

/**
 * A buffered, non-blocking logger for request handlers. log() only queues (a bounded queue; when it
 * is full the newest row is dropped and counted), a background loop sends batches of `batchSize`
 * rows once that many wait or `flushIntervalMs` passed, one request at a time. A batch that meets a
 * network error, 429 or 5xx is re-sent with jittered backoff (Retry-After honoured): safe, because
 * every row carries an id (generated when absent) and relabel stores an identical re-send once. A 4xx
 * is final: the rows it names by index are rejected and the rest of the batch sent again (relabel
 * stores a batch all or nothing); a 4xx naming no row rejects the batch. Nothing here throws into
 * the caller: problems are counted (stats()) and reported through `warn`.
 */
export abstract class BufferedLogger<Row extends { id?: string; model?: string; timestamp?: string }> {
  private readonly queue: Row[] = [];
  private inFlight = 0;
  private readonly counts = { sent: 0, retried: 0, dropped: 0, rejected: 0 };
  private readonly batchSize: number;
  private readonly maxQueue: number;
  private readonly backoff: RetryPolicy;
  private readonly timer: NodeJS.Timeout;
  private loop: Promise<void> | null = null;
  private closed = false;
  private readonly giveUp = new AbortController();
  private overflowing = false;
  /** Rows logged so far (accepted into the queue), and rows settled (sent, rejected or abandoned) in order. */
  private logged = 0;
  private settled = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  protected constructor(
    private readonly client: RelabelClient,
    private readonly endpoint: Endpoint<Row>,
    private readonly options: LoggerOptions,
  ) {
    this.batchSize = Math.max(1, Math.min(10_000, options.batchSize ?? 500));
    this.maxQueue = Math.max(1, options.maxQueue ?? 10_000);
    this.backoff = { ...DEFAULT_RETRY, ...options.retry, attempts: Number.POSITIVE_INFINITY };
    this.timer = setInterval(() => this.kick(), Math.max(1, options.flushIntervalMs ?? 1000));
    this.timer.unref();
  }

  /** Queues a row; false when it was dropped (queue full or logger closed). Never throws, never waits. */
  protected enqueue(row: Row, model: string | undefined): boolean {
    try {
      if (typeof row !== 'object' || row === null) throw new TypeError('a row must be an object');
      if (this.closed || this.queue.length >= this.maxQueue) {
        this.counts.dropped++;
        if (!this.closed && !this.overflowing) {
          this.overflowing = true;
          this.warn(`relabel logger: queue full (${this.maxQueue} rows); dropping new rows until it drains`);
        }
        return false;
      }
      this.overflowing = false;
      const traced = row as { traceId?: string };
      const traceId = this.endpoint.traceIds ? (traced.traceId ?? this.options.currentTraceId?.()) : undefined;
      this.queue.push({
        ...row,
        id: row.id ?? randomUUID(),
        ...(row.model === undefined && model !== undefined ? { model } : {}),
        timestamp: row.timestamp ?? new Date().toISOString(),
        ...(traceId ? { traceId } : {}),
      });
      this.logged++;
      if (this.queue.length >= this.batchSize) queueMicrotask(() => this.kick());
      return true;
    } catch (error) {
      this.counts.dropped++;
      this.warn(`relabel logger: could not queue a row: ${String(error)}`);
      return false;
    }
  }

  stats(): LoggerStats {
    return { queued: this.queue.length, inFlight: this.inFlight, ...this.counts };
  }

  /**
   * Sends what is queued now; resolves true once every row logged before the call is confirmed or
   * rejected, false if that has not happened within `timeoutMs` (the rows stay queued and keep being
   * retried). Never rejects.
   */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    const upTo = this.logged;
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
   * Stops taking rows (later log() calls are dropped), sends what is queued for up to `timeoutMs`, then
   * gives up on the rest (counted as dropped). Resolves to the final counts; never rejects.
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
        this.counts.dropped += left.length;
        this.settle(left.length);
        if (left.length > 0) this.warn(`relabel logger: closed with ${left.length} rows unsent (dropped)`);
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
        const unsent = await this.deliver(batch);
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
   * Sends a batch until it is stored or refused (splitting off refused rows, halving it on 413);
   * returns the rows left unsent when close() gives up. The caller settles the rest.
   */
  private async deliver(rows: Row[]): Promise<Row[]> {
    let pending = this.serializable(rows);
    for (let retry = 1; pending.length > 0;) {
      try {
        // One attempt per call: this loop does the retrying, with no limit but close().
        await this.client.request('POST', this.endpoint.path, {
          body: this.endpoint.body(pending),
          idempotent: true,
          attempts: 1,
          signal: this.giveUp.signal,
        });
        this.counts.sent += pending.length;
        return [];
      } catch (error) {
        if (error instanceof RelabelError && error.status === 413 && pending.length > 1) {
          // Over the service's body limit: each half on its own.
          const middle = Math.ceil(pending.length / 2);
          const unsent = await this.deliver(pending.slice(0, middle));
          const rest = pending.slice(middle);
          return [...unsent, ...(this.giveUp.signal.aborted ? rest : await this.deliver(rest))];
        }
        if (error instanceof RelabelError && error.status >= 400 && error.status < 500 && error.status !== 429) {
          pending = this.refuse(pending, error);
          continue;
        }
        if (this.giveUp.signal.aborted) return pending;
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
    const rejected: RejectedRow[] =
      byIndex.size > 0
        ? [...byIndex].map(([index, d]) => ({
            row: rows[index],
            status: error.status,
            index,
            field: d.field,
            message: d.message,
          }))
        : rows.map((row, index) => ({ row, status: error.status, index, message: error.message }));
    this.counts.rejected += rejected.length;
    this.report(rejected, error);
    return byIndex.size > 0 ? rows.filter((_, i) => !byIndex.has(i)) : [];
  }

  /** Rows JSON cannot carry (cycles, BigInt) are rejected here rather than failing the batch. */
  private serializable(rows: Row[]): Row[] {
    try {
      JSON.stringify(rows);
      return rows;
    } catch {
      const keep: Row[] = [];
      const rejected: RejectedRow[] = [];
      rows.forEach((row, index) => {
        try {
          JSON.stringify(row);
          keep.push(row);
        } catch (error) {
          rejected.push({ row, status: 0, index, message: `not serializable as JSON: ${String(error)}` });
        }
      });
      this.counts.rejected += rejected.length;
      this.report(rejected);
      return keep;
    }
  }

  private report(rejected: RejectedRow[], error?: RelabelError): void {
    if (rejected.length === 0) return;
    this.warn(`relabel logger: ${rejected.length} rows rejected${error ? ` (${error.status} ${error.code ?? ''})` : ''}`);
    try {
      this.options.onRejected?.(rejected);
    } catch (callbackError) {
      this.warn(`relabel logger: onRejected threw: ${String(callbackError)}`);
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

  /** Queues a prediction (non-blocking); false when it was dropped. The id is generated when absent. */
  log(row: PredictionRow): boolean {
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

  /** Queues an event (non-blocking); false when it was dropped. The id is generated when absent. */
  log(row: EventRow): boolean {
    return this.enqueue(row, this.defaults.model);
  }
}
