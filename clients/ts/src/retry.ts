/** How a request is retried: up to `attempts` tries, full-jitter exponential backoff between them. */
export interface RetryPolicy {
  /** Tries in all, the first included (default 5). 1 turns retries off. */
  attempts: number;
  /** The first backoff's upper bound in milliseconds (default 200); it doubles per retry. */
  baseDelayMs: number;
  /** The longest wait between tries, Retry-After included (default 30,000). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 30_000 };

/**
 * Statuses worth another try: 429 (the limiter), and 5xx (503 database_unavailable and 507 say
 * when in Retry-After). Every other 4xx is final: the same request would get the same answer.
 */
export function retryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * Statuses that say the request was not carried out, so even a request that is not idempotent may be
 * sent again: 429 (refused before it was read) and 503 (the transaction did not happen).
 */
export function notCarriedOut(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * The wait before retry number `retry` (1 for the first): the server's Retry-After when it gave one,
 * plus up to one base delay of jitter so that clients told the same thing do not return together;
 * otherwise a uniform draw in [0, base * 2^(retry-1)] ("full jitter"). Both capped at maxDelayMs.
 */
export function backoffMs(retry: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs + random() * policy.baseDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry - 1, 30));
  return random() * ceiling;
}

/** Retry-After (delta-seconds or an HTTP date) in milliseconds, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
