import { Injectable, Logger } from '@nestjs/common';
import { faultOf } from '../common/faults.js';
import { AppConfig } from '../config/config.js';
import { Db } from '../database/db.js';
import { JobQueue } from '../jobs/job-queue.js';
import { OpsRepository } from './ops.repository.js';

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
    private readonly ops: OpsRepository,
  ) {}

  async check() {
    const [database, queue] = await Promise.all([probe(() => this.db.ping()), probe(() => this.jobs.ping())]);
    return {
      status: database.status === 'ok' && queue.status === 'ok' ? ('ok' as const) : ('down' as const),
      role: this.config.ROLE,
      database: { ...database, kind: this.db.kind },
      queue: { ...queue, driver: this.jobs.driver },
      // Counts only: a dead letter's error text stays in the table and the log.
      deadLetters:
        database.status === 'ok'
          ? {
              labelChanges: await this.count(() => this.ops.deadLetteredLabelChanges()),
              profileMarkers: await this.count(() => this.ops.deadLetteredProfileMarkers()),
            }
          : { labelChanges: null, profileMarkers: null },
    };
  }

  private async count(read: () => Promise<number>): Promise<number | null> {
    try {
      return await withTimeout(read(), 2000);
    } catch (error) {
      logger.warn({ err: error }, 'health: cannot count dead letters');
      return null;
    }
  }
}

const logger = new Logger('Health');

class ProbeTimeout extends Error {}

async function probe(fn: () => Promise<unknown>): Promise<ComponentHealth> {
  const start = performance.now();
  try {
    await withTimeout(fn(), 2000);
    return { status: 'ok', latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  } catch (error) {
    // /health is public: the raw error (hosts, ports, users) goes to the log, the caller gets a stable word.
    logger.warn({ err: error }, 'health probe failed');
    const detail = error instanceof ProbeTimeout ? 'no_answer' : (faultOf(error)?.message ?? 'unavailable');
    return { status: 'down', detail };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
