import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { DemoError } from './demo-error.js';

export interface ServiceProcessOptions {
  mainPath: string;
  env: NodeJS.ProcessEnv;
  /** Where to reach it from this process, e.g. http://127.0.0.1:3000 */
  url: string;
}

/** Fails with a clear message when something already listens on the port the service would take. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(
          new DemoError(
            `port ${port} is already in use (another relabel or demo?). Stop it, or choose another port: PORT=3001 npm run demo`,
          ),
        );
      else if (error.code === 'EACCES')
        reject(new DemoError(`port ${port} needs privileges this user lacks; choose another one, e.g. PORT=3001 npm run demo`));
      else reject(error);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/**
 * The relabel service as a child process in its own process group, so that Ctrl-C reaches the demo
 * first and the demo stops the simulator before the service. It is killed when the demo exits.
 */
export class ServiceProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  constructor(private readonly options: ServiceProcessOptions) {
    this.child = spawn(process.execPath, ['--enable-source-maps', options.mainPath], {
      env: options.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        process.off('exit', this.killOnExit);
        resolve({ code, signal });
      });
      this.child.once('error', () => resolve({ code: null, signal: null }));
    });
    process.on('exit', this.killOnExit);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when GET /health answers 200; fails when the service exits first or takes longer than `timeoutMs`. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (exited) break;
      try {
        const res = await fetch(`${this.options.url}/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
        last = `answered ${res.status}`;
      } catch (error) {
        last = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (exited || !this.running) {
      const { code, signal } = await this.exited;
      throw new DemoError(`the service exited (${signal ?? `code ${code}`}) before it was ready; its output is above`);
    }
    throw new DemoError(
      `the service did not answer GET ${this.options.url}/health with 200 within ${Math.round(timeoutMs / 1000)}s (last: ${last})`,
    );
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    await this.exited;
  }
}
