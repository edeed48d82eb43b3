/** Waits ms milliseconds (for a delay a test means, not for work to finish: use eventually or waitFor). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries an assertion until it passes or the time is up (for work that queue jobs finish). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(everyMs);
    }
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Added to the timeout's message, e.g. a child service's log. */
  context?: () => string;
}

/**
 * Polls probe until it returns something other than null, undefined or false, and returns that;
 * on timeout the error says what it was waiting for.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 15_000, everyMs = 20, context }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const more = context?.();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${more ? `; ${more}` : ''}`);
    }
    await sleep(everyMs);
  }
}
