import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { Db } from '../database/db.js';
import { JobQueue } from '../jobs/job-queue.js';

interface ComponentHealth {
  status: 'ok' | 'down';
  detail?: string;
  latencyMs?: number;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async check() {
    const [database, queue] = await Promise.all([probe(() => this.db.ping()), probe(() => this.jobs.ping())]);
    return {
      status: database.status === 'ok' && queue.status === 'ok' ? ('ok' as const) : ('down' as const),
      role: this.config.ROLE,
      database: { ...database, kind: this.db.kind },
      queue: { ...queue, driver: this.jobs.driver },
    };
  }
}

async function probe(fn: () => Promise<unknown>): Promise<ComponentHealth> {
  const start = performance.now();
  try {
    await withTimeout(fn(), 2000);
    return { status: 'ok', latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
