import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { MODEL, MODEL_DEFINITION, predictionAt } from './data.js';
import { post } from './http-ingest.js';

/**
 * The events workload of bench:events and bench:scale-out: predictions whose windows close while
 * they arrive, then events of which half click on a logged prediction and half name one never logged.
 */
export const BATCH = 1000;
export const CONNECTIONS = 4;
const MINUTE = 60_000;

/** Where requests go: a service, or a balancer in front of several. */
export interface Target {
  baseUrl: string;
  adminToken: string;
}

export const DEFINITION = {
  ...MODEL_DEFINITION,
  classes: ['purchase', 'click', 'ignore'],
  labelRules: [
    { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
    { event: 'click', label: 'click', within: '30m', priority: 10 },
  ],
  implicitLabel: { label: 'ignore', after: '30m' },
  eventGrace: '1s',
};

export function predictionTs(i: number, nowMs: number): number {
  return nowMs - 35 * MINUTE - (i % (25 * 60)) * 1000;
}

export function predictionBodies(count: number, nowMs: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let from = 0; from < count; from += BATCH) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const p = predictionAt(i, nowMs, 'p-');
      rows.push({
        id: p.id,
        model: MODEL,
        modelVersion: p.modelVersion,
        timestamp: new Date(predictionTs(i, nowMs)).toISOString(),
        features: p.features,
        prediction: 'ignore',
        scores: { purchase: 0.1, click: 0.3, ignore: 0.6 },
      });
    }
    bodies.push(Buffer.from(JSON.stringify({ predictions: rows })));
  }
  return bodies;
}

/** Even-numbered events click on a logged prediction a minute after it; odd ones name a prediction never logged. */
export function eventBodies(count: number, predictions: number, nowMs: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let from = 0; from < count; from += BATCH) {
    const rows = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const joining = i % 2 === 0;
      const p = (i / 2) % predictions;
      rows.push(
        joining
          ? {
              id: `e-${i}`,
              model: MODEL,
              predictionId: `p-${Math.floor(p)}`,
              type: 'click',
              timestamp: new Date(predictionTs(Math.floor(p), nowMs) + MINUTE).toISOString(),
            }
          : {
              id: `e-${i}`,
              model: MODEL,
              predictionId: `never-${i}`,
              type: 'click',
              timestamp: new Date(nowMs - 40 * MINUTE).toISOString(),
            },
      );
    }
    bodies.push(Buffer.from(JSON.stringify({ events: rows })));
  }
  return bodies;
}

/** POSTs every body over CONNECTIONS keep-alive connections; returns seconds taken and rows accepted. */
export async function send(
  service: Target,
  token: string,
  path: string,
  bodies: Buffer[],
): Promise<{ seconds: number; accepted: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(path, service.baseUrl);
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      const res = await post(agent, url, token, bodies[index]);
      if (res.status >= 300) throw new Error(`${path} batch ${index}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      accepted += (JSON.parse(res.text) as { accepted: number }).accepted;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONNECTIONS, bodies.length) }, worker));
  } finally {
    agent.destroy();
  }
  return { seconds: (performance.now() - started) / 1000, accepted };
}

/** Sum of the samples of a Prometheus counter whose labels match `labels`. */
export async function counter(service: Target, name: string, labels: string[]): Promise<number> {
  const res = await fetch(`${service.baseUrl}/metrics`, { headers: { authorization: `Bearer ${service.adminToken}` } });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (labels.some((l) => line.includes(l))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Polls a counter until it reaches `target`; returns the time it got there (performance.now()).
 * With several targets (processes that each count what they did) it waits for their sum.
 */
export async function waitFor(
  targets: Target | readonly Target[],
  name: string,
  labels: string[],
  target: number,
  what: string,
  everyMs = 100,
): Promise<number> {
  const all = Array.isArray(targets) ? targets : [targets as Target];
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    let value = 0;
    for (const t of all) value += await counter(t, name, labels);
    const now = performance.now();
    if (value >= target) return now;
    if (value !== last) {
      last = value;
      lastChange = now;
    } else if (now - lastChange > 120_000) {
      throw new Error(`${what}: stuck at ${value.toLocaleString('en-US')} of ${target.toLocaleString('en-US')} for 2 minutes`);
    }
    await sleep(everyMs);
  }
}
