import { createRequire } from 'node:module';
import { predictionAt } from './data.js';
import type { Service } from './service.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  overallRate: number;
  requests: {
    method: string;
    path: string;
    headers: Record<string, string>;
    setupRequest: (req: AutocannonRequest) => AutocannonRequest;
  }[];
}
interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  max: number;
  total: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: Histogram & { sent: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (
  options: AutocannonOptions,
  done: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LatencyOptions {
  rate: number;
  seconds: number;
  connections: number;
  startMs: number;
  idPrefix: string;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LatencyResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** autocannon's histogram: whole milliseconds, with its coordinated-omission correction (see README). */
  autocannon: Percentiles;
  /** Each response's own time from send to last byte, as measured by autocannon, in fractional ms. */
  measured: Percentiles;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Share of one core the service used during the run. */
  serviceCpu: number;
  /** The service's RSS before and after the run, in bytes. */
  rssBefore: number;
  rssAfter: number;
}

/**
 * Single-prediction POSTs at a fixed overall rate with autocannon, each with an id of its own.
 * autocannon paces per connection and per second: each connection sends back-to-back until its
 * share of the second is used, then waits for the next second.
 */
export async function measureLatency(service: Service, token: string, options: LatencyOptions): Promise<LatencyResult> {
  let n = 0;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // One template per 1,000 generated rows, re-used with a fresh id: the client stays cheap.
  const templates = Array.from({ length: 1000 }, (_, i) =>
    JSON.stringify({ ...predictionAt(i, options.startMs, ''), id: '\u0000' }).split('"\\u0000"'),
  );
  const setupRequest = (req: AutocannonRequest): AutocannonRequest => {
    const i = n++;
    const [head, tail] = templates[i % templates.length];
    return { ...req, body: `${head}"${options.idPrefix}${i}"${tail}` };
  };
  const cpuBefore = service.cpuSeconds();
  const rssBefore = service.memory().rss;
  const times: number[] = [];
  const result = await new Promise<AutocannonResult>((done, fail) => {
    const instance = autocannon(
      {
        url: service.baseUrl,
        connections: options.connections,
        duration: options.seconds,
        overallRate: options.rate,
        requests: [{ method: 'POST', path: '/api/v1/predictions', headers, setupRequest }],
      },
      (error, res) => (error ? fail(error) : done(res)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, Number(s.count)]));
  return {
    requests: result.requests.total,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    autocannon: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      max: result.latency.max,
    },
    measured: percentiles(times),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    serviceCpu: (service.cpuSeconds() - cpuBefore) / result.duration,
    rssBefore,
    rssAfter: service.memory().rss,
  };
}

function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]);
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}
