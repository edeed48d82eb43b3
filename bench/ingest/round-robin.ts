import { createConnection, createServer, type Server } from 'node:net';

/** A TCP balancer on a loopback port: each new connection goes to the next backend in turn. */
export async function roundRobin(backends: number[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: backends[next++ % backends.length] });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((done) => server.close(() => done())) };
}
