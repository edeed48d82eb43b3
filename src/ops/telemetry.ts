import { context, type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * Span helpers for code that no instrumentation covers (better-sqlite3, job runs). Every helper
 * checks one flag first: without OTEL_EXPORTER_OTLP_ENDPOINT the SDK never starts and they cost a
 * branch. Only @opentelemetry/api is imported here (small, no SDK).
 */
let active = false;
let shutdownHook: (() => Promise<void>) | null = null;

const tracer = () => trace.getTracer('relabel');

export function tracingActive(): boolean {
  return active;
}

/** Called by startTracing once the SDK runs; shutdown flushes and stops it. */
export function markTracingStarted(shutdown: () => Promise<void>): void {
  active = true;
  shutdownHook = shutdown;
}

/** Flushes pending spans and stops the SDK; a no-op when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const hook = shutdownHook;
  shutdownHook = null;
  active = false;
  await hook?.();
}

/** W3C trace context of the active span, to carry in a job's data; undefined when tracing is off. */
export type TraceCarrier = Record<string, string>;

export function captureTraceContext(): TraceCarrier | undefined {
  if (!active) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

export interface JobSpanInfo {
  queue: string;
  name: string;
  id: string;
  attempt: number;
}

/**
 * Runs a job attempt as the root of its own trace, linked to the span that enqueued it (when the
 * job data carried one). Job runs are not children of requests: a request ends long before the job
 * it triggered, and one job can serve many requests.
 */
export function runInJobSpan<T>(job: JobSpanInfo, carrier: TraceCarrier | undefined, fn: () => Promise<T>): Promise<T> {
  if (!active) return fn();
  const links: Link[] = [];
  if (carrier) {
    const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    if (linked && trace.isSpanContextValid(linked)) links.push({ context: linked });
  }
  return tracer().startActiveSpan(
    `job ${job.queue}/${job.name}`,
    {
      root: true,
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'relabel',
        'messaging.destination.name': job.queue,
        'messaging.operation.type': 'process',
        'messaging.message.id': job.id,
        'relabel.job.name': job.name,
        'relabel.job.attempt': job.attempt,
      },
    },
    (span) => settle(span, fn),
  );
}

export type DbSpanKind = 'sqlite' | 'postgres';

/**
 * A client span around one database statement (or transaction), for better-sqlite3 where no
 * instrumentation exists. fn may be synchronous (better-sqlite3) or return a promise. PostgreSQL
 * statements already get spans from the pg instrumentation, so for them this only runs fn.
 */
export function withDbSpan<T>(statement: string, kind: DbSpanKind, fn: () => T): T {
  if (!active || kind !== 'sqlite') return fn();
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? 'SQL';
  return tracer().startActiveSpan(
    operation === 'BEGIN' ? 'sqlite transaction' : `sqlite ${operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'sqlite',
        'db.system': 'sqlite',
        'db.operation.name': operation,
        'db.query.text': statement,
      },
    },
    (span) => settle(span, fn),
  );
}

function settle<T>(span: Span, fn: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    fail(error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(error);
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}
