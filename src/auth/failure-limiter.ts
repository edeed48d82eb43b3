import type { Request } from 'express';

/** Addresses tracked at most; past that the oldest window is forgotten, so the map cannot grow without bound. */
const MAX_ADDRESSES = 10_000;

/**
 * Counts failed authentications (a token or session cookie that does not verify, a failed sign-in)
 * per client address in fixed windows. An address over the limit is refused (429) until its window
 * ends, before any credential it sends is checked.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or null when it may now. */
  retryAfter(address: string): number | null {
    const w = this.current(address);
    return w && w.failures >= this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - this.clock()) / 1000)) : null;
  }

  fail(address: string): void {
    const w = this.current(address);
    if (w) {
      w.failures++;
      return;
    }
    if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(address, { start: this.clock(), failures: 1 });
  }

  private current(address: string) {
    const w = this.windows.get(address);
    if (w && this.clock() - w.start >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return w;
  }
}

/** The client's address as express reads it (X-Forwarded-For only from the trusted loopback proxy). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
