import type { NotificationStatus } from './alert-notification.entity.js';

/** Attempts before a notification is given up on (about 4 minutes of retries in all). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
export const WEBHOOK_FIRST_RETRY_MS = 1000;
export const WEBHOOK_MAX_RETRY_MS = 5 * 60_000;
/** A receiver that has not answered by then counts as failed; the job must not hang on it. */
export const WEBHOOK_TIMEOUT_MS = 5000;

/** The wait after the attempt-th failed attempt: 1 s, 2 s, 4 s, ... up to 5 minutes. */
export function retryDelay(attempt: number): number {
  return Math.min(WEBHOOK_FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), WEBHOOK_MAX_RETRY_MS);
}

export interface AttemptOutcome {
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: number;
  error: string | null;
}

/** What becomes of a notification after one more attempt. */
export function afterAttempt(previousAttempts: number, error: string | null, now: number): AttemptOutcome {
  const attempts = previousAttempts + 1;
  if (error === null) return { status: 'delivered', attempts, nextAttemptAt: now, error: null };
  if (attempts >= WEBHOOK_MAX_ATTEMPTS) return { status: 'failed', attempts, nextAttemptAt: now, error };
  return { status: 'pending', attempts, nextAttemptAt: now + retryDelay(attempts), error };
}
