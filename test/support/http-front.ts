import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server in front of the service under test that answers the next requests itself with a
 * scripted status (503 with Retry-After, 500, ...) and forwards the rest, counting what it saw.
 */
export interface HttpFront {
  url: string;
  /** Requests that reached the front, answered or forwarded. */
  seen: { method: string; path: string; answered: number | 'forwarded' }[];
  /** The next `times` requests get `status` (with these headers) instead of the service's answer. */
  failNext(times: number, status: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startHttpFront(target: string): Promise<HttpFront> {
  const upstream = new URL(target);
  const script: { status: number; headers: Record<string, string> }[] = [];
  const seen: HttpFront['seen'] = [];
  const server = http.createServer((req, res) => {
    const scripted = script.shift();
    if (scripted) {
      seen.push({ method: req.method ?? '', path: req.url ?? '', answered: scripted.status });
      req.resume();
      req.on('end', () => {
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        res.end(JSON.stringify({ statusCode: scripted.status, error: 'Scripted', message: 'scripted_failure' }));
      });
      return;
    }
    seen.push({ method: req.method ?? '', path: req.url ?? '', answered: 'forwarded' });
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    failNext(times, status, headers = {}) {
      for (let i = 0; i < times; i++) script.push({ status, headers });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
