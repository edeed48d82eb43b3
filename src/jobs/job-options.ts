import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, type JobOptions, PermanentJobError } from './job-queue.js';

export interface ResolvedJobOptions {
  attempts: number;
  backoffMs: number;
  delayMs: number;
  jobId?: string;
}

/** Fills in the defaults and rejects options that neither driver could honour. */
export function resolveJobOptions(options: JobOptions = {}): ResolvedJobOptions {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const delayMs = options.delayMs ?? 0;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
  if (!Number.isFinite(backoffMs) || backoffMs < 0) throw new RangeError(`backoffMs must be >= 0, got ${backoffMs}`);
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
  if (options.jobId !== undefined) assertValidJobId(options.jobId);
  return { attempts, backoffMs: Math.round(backoffMs), delayMs: Math.round(delayMs), jobId: options.jobId };
}

/** Generated ids are all digits and repeat runs' ids start "repeat:", so a caller's id must not, or they could collide. */
export function assertValidJobId(id: string): void {
  if (id === '' || /^\d+$/.test(id) || id.startsWith('repeat:')) {
    throw new RangeError(`jobId must be non-empty, not all digits and not start with "repeat:", got "${id}"`);
  }
}

/** The wait before the next attempt after attemptsMade failed ones: backoffMs, then doubling. */
export function retryDelayMs(backoffMs: number, attemptsMade: number): number {
  return backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}

export function isFinalFailure(error: unknown, attempt: number, attempts: number): boolean {
  return error instanceof PermanentJobError || attempt >= attempts;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// BullMQ refuses custom ids containing ':' (it reserves them for its repeat ids), so ':' and '%' are escaped.
export function toBullMqJobId(id: string): string {
  return id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

export function fromBullMqJobId(id: string): string {
  return id.replace(/%3A|%25/g, (c) => (c === '%25' ? '%' : ':'));
}
