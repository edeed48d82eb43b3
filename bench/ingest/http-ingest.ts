import { Agent, request } from 'node:http';
import { predictionsIn } from './data.js';
import type { Service } from './service.js';

export interface RunShape {
  rows: number;
  batchSize: number;
  startMs: number;
  idPrefix: string;
}

export interface HttpIngestResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  requests: number;
  failures: string[];
  accepted: number;
  duplicates: number;
  /** Peak RSS seen while sending (VmHWM covers the whole life of the process). */
  peakRss: number;
  /** Share of one core the service used while sending. */
  serviceCpu: number;
  /** Share of one core this client used while sending. */
  clientCpu: number;
}

/** Every batch as a ready-to-send JSON body, so the client does no work while timed. */
export function serialiseBatches(shape: RunShape): Buffer[] {
  const bodies: Buffer[] = [];
  for (let from = 0; from < shape.rows; from += shape.batchSize) bodies.push(serialisedBatch(shape, from));
  return bodies;
}

/** The body of the batch starting at row `from`, byte for byte what the HTTP side sends. */
export function serialisedBatch(shape: RunShape, from: number): Buffer {
  const to = Math.min(shape.rows, from + shape.batchSize);
  return Buffer.from(JSON.stringify({ predictions: predictionsIn(from, to, shape.startMs, shape.idPrefix) }));
}

/** POSTs the bodies over `concurrency` keep-alive connections and times the whole transfer. */
export async function sendBatches(
  service: Service,
  token: string,
  bodies: Buffer[],
  rows: number,
  concurrency: number,
): Promise<HttpIngestResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL('/api/v1/predictions', service.baseUrl);
  const failures: string[] = [];
  let accepted = 0;
  let duplicates = 0;
  let next = 0;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, service.memory().peak)), 200);
  const cpuBefore = service.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();

  const worker = async () => {
    while (next < bodies.length) {
      const index = next++;
      let res: { status: number; text: string };
      try {
        res = await post(agent, url, token, bodies[index]);
      } catch (error) {
        failures.push(`batch ${index}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (res.status !== 201) {
        failures.push(`batch ${index}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
        continue;
      }
      const body = JSON.parse(res.text) as { accepted: number; duplicates: number };
      accepted += body.accepted;
      duplicates += body.duplicates;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(clientBefore);
  peakRss = Math.max(peakRss, service.memory().peak);
  if (accepted !== rows) failures.push(`the service accepted ${accepted} of ${rows} rows (${duplicates} duplicates)`);
  return {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    requests: bodies.length,
    failures,
    accepted,
    duplicates,
    peakRss,
    serviceCpu: (service.cpuSeconds() - cpuBefore) / seconds,
    clientCpu: (client.user + client.system) / 1e6 / seconds,
  };
}

/** One POST of a serialised JSON body over a keep-alive agent; the status and the answer's text. */
export function post(agent: Agent, url: URL, token: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
