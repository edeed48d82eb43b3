import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from './job-options.js';

export type RecoveryFn = () => Promise<unknown>;

export interface RecoveryResult {
  name: string;
  ok: boolean;
  error?: string;
}

/**
 * Start-up recoveries: each looks at the database and queues again the work it shows as unfinished.
 * Feature modules register theirs in onModuleInit; JobsModule runs them once at bootstrap, in
 * processes that run workers.
 */
@Injectable()
export class JobRecovery {
  private readonly logger = new Logger('JobRecovery');
  private readonly recoveries = new Map<string, RecoveryFn>();

  register(name: string, recover: RecoveryFn): void {
    if (this.recoveries.has(name)) throw new Error(`job recovery "${name}" is already registered`);
    this.recoveries.set(name, recover);
  }

  names(): string[] {
    return [...this.recoveries.keys()];
  }

  /** Runs every recovery in turn; one that fails is logged and the others still run. */
  async runAll(): Promise<RecoveryResult[]> {
    const results: RecoveryResult[] = [];
    for (const [name, recover] of this.recoveries) {
      const started = performance.now();
      try {
        await recover();
        this.logger.log(`recovery ${name} done in ${Math.round(performance.now() - started)} ms`);
        results.push({ name, ok: true });
      } catch (error) {
        this.logger.error(`recovery ${name} failed: ${errorMessage(error)}`, error instanceof Error ? error.stack : undefined);
        results.push({ name, ok: false, error: errorMessage(error) });
      }
    }
    return results;
  }
}
