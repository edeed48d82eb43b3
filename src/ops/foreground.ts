/**
 * Whether someone has been reading from this thread's HTTP server lately: a GET or HEAD other than
 * the probes and the scrape (/health, /metrics). The background drains size their SQLite steps by it:
 * while reads come in, a step holds the event loop for JOB_STEP_BUDGET_MS at most; otherwise steps
 * keep their full size, which writes fewer WAL pages per row and drains a backlog about twice as fast
 * under a stream of writes (bench/README.md, "Issue 11, eighth pass").
 */
export const QUIET_MS = 1000;

const NOT_READERS = new Set(['/health', '/metrics']);

let lastReadAt = Number.NEGATIVE_INFINITY;

/** Called by the HTTP middleware for every request as it arrives. */
export function noteRequest(method: string, path: string, now = Date.now()): void {
  if ((method === 'GET' || method === 'HEAD') && !NOT_READERS.has(path)) lastReadAt = now;
}

export function readsLately(now = Date.now()): boolean {
  return now - lastReadAt < QUIET_MS;
}
