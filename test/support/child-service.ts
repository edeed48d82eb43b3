import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { testEnvironment } from './app.js';
import { type Tables, tablesAt } from './tables.js';

/**
 * The built service (`node dist/src/main.js`) as a child process, for tests that need a real
 * process boundary: a kill, a restart, the environment as production reads it.
 */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const OUTPUT_KEPT = 64 * 1024;

/**
 * Compiles src/ into dist/ (tsc is incremental, so a second build in a run is quick). Test files run
 * in parallel processes, so builds take turns through a lock directory.
 */
export async function buildService(): Promise<void> {
  const lock = join(tmpdir(), `relabel-build-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}.lock`);
  for (const deadline = Date.now() + 180_000; ;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw error;
      if (Date.now() - statSync(lock).mtimeMs > 150_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await compile();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function compile(): Promise<void> {
  const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, timeout: 110_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p tsconfig.build.json failed:\n${stdout}${stderr}`, { cause: error });
  }
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ChildService {
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;
  private output = '';
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  private constructor(
    readonly url: string,
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--enable-source-maps', join(PROJECT_ROOT, 'dist', 'src', 'main.js')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        process.off('exit', this.killOnExit);
        resolve({ code, signal });
      });
      this.child.once('error', (error) => {
        keep(Buffer.from(`spawn failed: ${error.message}\n`));
        process.off('exit', this.killOnExit);
        resolve({ code: null, signal: null });
      });
    });
    process.on('exit', this.killOnExit);
  }

  /**
   * Starts the service with exactly this environment (plus PATH) and resolves once GET /health
   * answers 200; env must hold PORT, and HOST when it is not all interfaces.
   */
  static async start(env: Record<string, string>, timeoutMs = 30_000): Promise<ChildService> {
    const service = new ChildService(`http://${env.HOST ?? '127.0.0.1'}:${env.PORT}`, env);
    try {
      await service.waitHealthy(timeoutMs);
    } catch (error) {
      await service.kill();
      throw error;
    }
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last 64 KB the service wrote to stdout and stderr, for failure messages. */
  get log(): string {
    return this.output;
  }

  /** Sends the signal (SIGKILL by default: no shutdown hooks run) and resolves when the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ChildExit> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM, then SIGKILL when it has not exited after graceMs. */
  async stop(graceMs = 10_000): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline && this.running) {
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
        last = `answered ${res.status}`;
      } catch (error) {
        last = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const why = this.running
      ? `did not answer GET /health with 200 within ${timeoutMs} ms (last: ${last})`
      : `exited (${JSON.stringify(await this.exited)}) before it was healthy`;
    throw new Error(`the service at ${this.url} ${why}; its output:\n${this.output}`);
  }
}

/** A built service's environment and database, and the process that runs on them now. */
export interface ChildServiceSetup {
  /** HOST, DATA_DIR, ADMIN_TOKEN, LOG_LEVEL and, in CI, DATABASE_URL, REDIS_URL and QUEUE_PREFIX. */
  env: Record<string, string>;
  dataDir: string;
  adminToken: string;
  /** The service's database, opened by the test itself. */
  tables: Tables;
  /** The process start() started last; null before the first start. */
  readonly service: ChildService | null;
  /** Starts the service (again) on a free port, on the same database, and waits until it is healthy. */
  start(): Promise<ChildService>;
  /** Kills the process and removes the database, the data directory and the queue keys. */
  close(): Promise<void>;
}

/** Builds dist/ and prepares a service to run as a child process; call start() to run it. */
export async function setUpChildService(
  extraEnv: Record<string, string> = {},
  dirPrefix = 'relabel-child-',
): Promise<ChildServiceSetup> {
  await buildService();
  const { env, dataDir, adminToken, databaseUrl, cleanup } = await testEnvironment(dirPrefix, {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  const tables = tablesAt({ dataDir, databaseUrl });
  let service: ChildService | null = null;
  return {
    env,
    dataDir,
    adminToken,
    tables,
    get service() {
      return service;
    },
    async start() {
      service = await ChildService.start({ ...env, PORT: String(await freePort()) });
      return service;
    },
    async close() {
      await service?.kill();
      await tables.close();
      await cleanup();
    },
  };
}
