import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(import.meta.dirname, '../../..');
const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ServiceOptions {
  dataDir: string;
  /** Directory for a V8 CPU profile of the service (node --cpu-prof); none when unset. */
  profileDir?: string;
  /** Extra node flags for the service after those of `npm start`, e.g. ['--max-semi-space-size=32'], to try GC settings. */
  nodeFlags?: string[];
  /** MONITORING_PROFILES for the service: off measures ingest without feature profiles. */
  profiles?: 'on' | 'off';
  /** More environment (DATABASE_URL, REDIS_URL, ROLE for bench:scale-out); wins over the defaults. */
  env?: Record<string, string>;
  /** The ADMIN_TOKEN, when several processes must share one; a fresh one otherwise. */
  adminToken?: string;
}

/**
 * The node flags of `npm start` (package.json), so the benchmarks run the service as it is deployed:
 * the heap limit there is what keeps its RSS under 300 MB (README, "Memory").
 */
export function startFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const match = /^node\s+(.*?)\s*dist\/src\/main\.js$/.exec(scripts.start ?? '');
  if (!match) throw new Error(`package.json's start script is not "node [flags] dist/src/main.js": ${scripts.start}`);
  return match[1].split(/\s+/).filter(Boolean);
}

/** The real service (`node dist/src/main.js`) as a child process on a loopback port. */
export class Service {
  private exited: Promise<number | null>;
  private alive = true;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly adminToken: string,
  ) {
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
    void this.exited.then(() => (this.alive = false));
  }

  static async start(options: ServiceOptions): Promise<Service> {
    const port = await freePort();
    const adminToken = options.adminToken ?? `bench_admin_${randomBytes(16).toString('hex')}`;
    const nodeArgs = [
      '--enable-source-maps',
      ...startFlags(),
      ...(options.nodeFlags ?? []),
      ...(options.profileDir ? profileFlags(options.profileDir) : []),
    ];
    const child = spawn(process.execPath, [...nodeArgs, resolve(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: options.dataDir,
        ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'warn',
        MONITORING_PROFILES: options.profiles ?? 'on',
        // JOB_RUNNER=in-process in the bench's environment measures the jobs on the HTTP event loop.
        ...(process.env.JOB_RUNNER ? { JOB_RUNNER: process.env.JOB_RUNNER } : {}),
        ...(process.env.JOB_STEP_BUDGET_MS ? { JOB_STEP_BUDGET_MS: process.env.JOB_STEP_BUDGET_MS } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const service = new Service(child, `http://127.0.0.1:${port}`, adminToken);
    await service.waitHealthy();
    return service;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('service has no pid');
    return this.child.pid;
  }

  /** Resident set size now and at its peak (VmHWM), in bytes. */
  memory(): { rss: number; peak: number } {
    return memoryOf(this.pid);
  }

  /** CPU seconds (user + system) the service has used so far. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  async request(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  /** Stops the service with SIGTERM (SIGKILL after 15 s); resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Synchronous last resort for process exit handlers. */
  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`the service exited during start-up (code ${await this.exited})`);
      try {
        const res = await fetch(`${this.baseUrl}/health`);
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error('the service did not become healthy within 60 s');
  }
}

/**
 * The node flags that make the service write a V8 CPU profile into dir. Nest's shutdown hook
 * re-raises SIGTERM, which would skip writing the profile, so the service exits cleanly instead.
 */
export function profileFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', resolve(import.meta.dirname, 'exit-on-sigterm.js')];
}

/** A process's resident set size now and at its peak (VmHWM), in bytes, from /proc/<pid>/status. */
export function memoryOf(pid: number | string): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
