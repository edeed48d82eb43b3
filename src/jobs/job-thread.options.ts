import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../config/config.js';
import type { WriteTurns } from '../database/write-turns.js';
import { ThreadJobQueue } from './thread.driver.js';

/** The job thread's V8 heap, on top of the API thread's --max-old-space-size (README, "Memory"). */
export const JOB_THREAD_HEAP_MB = 96;

/** What the job thread receives: the API side's settings (plain fields) and the shared write turns. */
export interface JobThreadData {
  config: Record<string, unknown>;
  turns: SharedArrayBuffer;
}

/** The API side's queue for JOB_RUNNER=thread: the compiled job-thread.js next to this file. */
export function jobThreadQueue(config: AppConfig, turns: WriteTurns, onClose?: () => void): ThreadJobQueue {
  const script = new URL('./job-thread.js', import.meta.url);
  if (fileURLToPath(import.meta.url).endsWith('.ts')) {
    throw new Error('JOB_RUNNER=thread runs the compiled service (npm run build); from sources set JOB_RUNNER=in-process');
  }
  const data: JobThreadData = { config: { ...config, jobThreadSide: 'worker' }, turns: turns.buffer };
  return new ThreadJobQueue({
    script,
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: JOB_THREAD_HEAP_MB },
    // A thread that died mid-transaction must not leave requests waiting for its turn to end.
    onExit: () => turns.jobThreadGone(),
    onClose,
  });
}
