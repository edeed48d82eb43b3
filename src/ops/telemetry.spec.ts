import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachTraceContext, detachTraceContext, TRACE_KEY } from '../jobs/job-trace.js';
import {
  captureTraceContext,
  markTracingStarted,
  runInJobSpan,
  shutdownTracing,
  tracingActive,
  withDbSpan,
} from './telemetry.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await shutdownTracing();
  trace.disable();
  propagation.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

describe('span helpers with tracing off', () => {
  it('run the function and record nothing', async () => {
    expect(tracingActive()).toBe(false);
    expect(withDbSpan('SELECT 1', 'sqlite', () => 42)).toBe(42);
    await expect(runInJobSpan({ queue: 'q', name: 'n', id: '1', attempt: 1 }, undefined, async () => 'ok')).resolves.toBe('ok');
    await trace.getTracer('t').startActiveSpan('request', async (span) => {
      expect(captureTraceContext()).toBeUndefined();
      expect(attachTraceContext({ id: 'x' })).toEqual({ id: 'x' });
      span.end();
    });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['request']);
  });
});

describe('span helpers with tracing on', () => {
  beforeAll(() => markTracingStarted(async () => undefined));

  it('wraps a SQLite statement in a client span, sync or async, and marks failures', async () => {
    expect(withDbSpan('SELECT * FROM predictions WHERE id = ?', 'sqlite', () => 1)).toBe(1);
    await expect(withDbSpan('UPDATE labels SET x = ?', 'sqlite', async () => 2)).resolves.toBe(2);
    expect(() =>
      withDbSpan('INSERT INTO t VALUES (?)', 'sqlite', () => {
        throw new Error('SQLITE_BUSY');
      }),
    ).toThrow('SQLITE_BUSY');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['sqlite SELECT', 'sqlite UPDATE', 'sqlite INSERT']);
    expect(spans[0].attributes['db.query.text']).toBe('SELECT * FROM predictions WHERE id = ?');
    expect(spans[2].status).toMatchObject({ code: 2, message: 'SQLITE_BUSY' });
  });

  it('leaves PostgreSQL statements to the pg instrumentation', () => {
    expect(withDbSpan('SELECT 1', 'postgres', () => 'pg')).toBe('pg');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('runs a job as a new trace linked to the span that enqueued it, through the job data', async () => {
    let enqueued: ReturnType<typeof attachTraceContext<{ id: string }>> | undefined;
    let requestSpanId = '';
    let requestTraceId = '';
    trace.getTracer('t').startActiveSpan('request', (span) => {
      requestSpanId = span.spanContext().spanId;
      requestTraceId = span.spanContext().traceId;
      enqueued = attachTraceContext({ id: 'e1' });
      span.end();
    });
    const stored = JSON.parse(JSON.stringify(enqueued)) as unknown;
    const { data, trace: carried } = detachTraceContext(stored);
    expect(data).toEqual({ id: 'e1' });
    expect(stored).toHaveProperty(TRACE_KEY);
    await runInJobSpan({ queue: 'exports', name: 'export', id: 'j1', attempt: 2 }, carried, async () => {
      withDbSpan('SELECT 1', 'sqlite', () => 1);
    });
    const job = exporter.getFinishedSpans().find((s) => s.name === 'job exports/export')!;
    const db = exporter.getFinishedSpans().find((s) => s.name === 'sqlite SELECT')!;
    expect(job.spanContext().traceId).not.toBe(requestTraceId);
    expect(job.parentSpanContext).toBeUndefined();
    expect(job.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[requestTraceId, requestSpanId]]);
    expect(job.attributes).toMatchObject({ 'messaging.destination.name': 'exports', 'relabel.job.attempt': 2 });
    expect(db.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
  });

  it('marks a failed job attempt as an error and rethrows', async () => {
    await expect(
      runInJobSpan({ queue: 'labels', name: 'tick', id: 'j2', attempt: 1 }, undefined, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.status.code).toBe(2);
    expect(span.links).toEqual([]);
  });

  it('keeps non-object job data as it is', () => {
    expect(detachTraceContext([1, 2])).toEqual({ data: [1, 2] });
    expect(detachTraceContext('x')).toEqual({ data: 'x' });
  });
});
