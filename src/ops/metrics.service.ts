import { Injectable } from '@nestjs/common';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, type MetricObjectWithValues, type MetricValue, Registry } from 'prom-client';
import { sqliteBusyRetries } from './sqlite-busy.js';
import { tracingActive } from './telemetry.js';

/**
 * The Prometheus registry of one app instance (not prom-client's global one, so that several apps
 * in one test process do not collide). Feature modules add their own metrics through it.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'relabel_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'relabel_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly labelingLeases = new Counter({
    name: 'relabel_labeling_leases_total',
    help: 'Lease requests answered with a task (API 200) or a labeling queue page (web)',
    labelNames: ['via'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'relabel_' });
    new Counter({
      name: 'relabel_sqlite_busy_retries_total',
      help: 'SQLite statements retried after SQLITE_BUSY, in this process',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(sqliteBusyRetries());
      },
    });
    this.gauge(
      'relabel_tracing_enabled',
      '1 when spans are exported over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT set)',
      [],
      function () {
        this.set(tracingActive() ? 1 : 0);
      },
    );
  }

  /** Other threads of this process whose metrics /metrics reports with these (the job thread's). */
  private readonly sources: (() => Promise<MetricObjectWithValues<MetricValue<string>>[]>)[] = [];

  addSource(source: () => Promise<MetricObjectWithValues<MetricValue<string>>[]>): void {
    this.sources.push(source);
  }

  /**
   * The exposition text: this registry's metrics, plus those of every source. Counters and
   * histograms add up across threads; a gauge shows the larger value, since both threads compute
   * the same database-derived gauges and a gauge only one thread sets is 0 in the other.
   * A source that cannot answer is left out (its series vanish for that scrape), never an error.
   */
  async render(): Promise<string> {
    if (this.sources.length === 0) return this.registry.metrics();
    const own = await this.registry.getMetricsAsJSON();
    const others = await Promise.all(this.sources.map((source) => source().catch(() => null)));
    const all = [own, ...others.filter((metrics) => metrics !== null)].map((metrics) =>
      metrics.map((metric) => (String(metric.type) === 'gauge' ? { ...metric, aggregator: 'max' as const } : metric)),
    );
    return AggregatorRegistry.aggregate(all).metrics();
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return (
      (this.registry.getSingleMetric(name) as Counter<L> | undefined) ??
      new Counter({ name, help, labelNames, registers: [this.registry] })
    );
  }

  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: (this: Gauge<L>) => Promise<void> | void,
  ): Gauge<L> {
    return (
      (this.registry.getSingleMetric(name) as Gauge<L> | undefined) ??
      new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) })
    );
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return (
      (this.registry.getSingleMetric(name) as Histogram<L> | undefined) ??
      new Histogram({ name, help, labelNames, buckets, registers: [this.registry] })
    );
  }
}
