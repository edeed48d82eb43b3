import { Logger, type LoggerService } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { MetricsService } from '../ops/metrics.service.js';

/** An event-loop block of at least this long is logged, with the jobs that ran during it. */
export const STALL_WARN_MS = 500;
const CHECK_EVERY_MS = 100;
/** Finished attempts remembered, so a block can be pinned on a job that ended before the check saw it. */
const RECENT_ATTEMPTS = 64;

export interface Attempt {
  what: string;
  startedAt: number;
  endedAt: number | null;
}

/**
 * Which job attempts run now and which ran lately: the JobObserver records them, the StallWatch
 * reads them when the event loop was blocked.
 */
export class AttemptLog {
  private readonly running = new Set<Attempt>();
  private readonly recent: Attempt[] = [];

  start(what: string, now = Date.now()): Attempt {
    const attempt: Attempt = { what, startedAt: now, endedAt: null };
    this.running.add(attempt);
    return attempt;
  }

  end(attempt: Attempt, now = Date.now()): void {
    attempt.endedAt = now;
    this.running.delete(attempt);
    this.recent.push(attempt);
    if (this.recent.length > RECENT_ATTEMPTS) this.recent.shift();
  }

  /** Attempts that were running at some moment in [from, to], oldest first. */
  during(from: number, to: number): Attempt[] {
    const overlaps = (a: Attempt) => a.startedAt <= to && (a.endedAt === null || a.endedAt >= from);
    return [...this.recent.filter(overlaps), ...[...this.running].filter(overlaps)];
  }
}

export interface Stall {
  blockedMs: number;
  jobs: string[];
}

/**
 * Notices when this thread's event loop was blocked (a timer that should fire every 100 ms fires
 * late) and says so with the jobs that ran meanwhile: on the embedded job runner a long synchronous
 * transaction holds every request, and the log names the job to blame. Counts blocks in
 * relabel_event_loop_stalls_total.
 */
export class StallWatch {
  private timer?: NodeJS.Timeout;
  private readonly stalls?: Counter;

  constructor(
    private readonly attempts: AttemptLog,
    metrics?: MetricsService,
    private readonly logger: LoggerService = new Logger('EventLoop'),
    private readonly warnMs = STALL_WARN_MS,
    /** Where the jobs run when not on this thread (the job thread, worker processes): a block here is a request's. */
    private readonly jobsRunIn: string | null = null,
  ) {
    this.stalls = metrics?.counter(
      'relabel_event_loop_stalls_total',
      `Times an event loop of this process (the HTTP one, or the job thread's) was blocked for ${warnMs} ms or more`,
      [],
    );
  }

  start(): void {
    if (this.timer) return;
    let last = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      const stall = this.check(last, now);
      last = now;
      if (stall) {
        this.stalls?.inc();
        this.logger.warn(
          this.jobsRunIn
            ? `event loop blocked for ${stall.blockedMs} ms; no job runs here (they run in ${this.jobsRunIn}), so a request held it`
            : `event loop blocked for ${stall.blockedMs} ms; job attempts running meanwhile: ${stall.jobs.length ? stall.jobs.join(', ') : 'none'}`,
        );
      }
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** The stall between two ticks that were due CHECK_EVERY_MS apart, if it was long enough to report. */
  check(last: number, now: number): Stall | null {
    const blockedMs = now - last - CHECK_EVERY_MS;
    if (blockedMs < this.warnMs) return null;
    const jobs = this.attempts.during(last, now).map((a) => `${a.what} (${(a.endedAt ?? now) - a.startedAt} ms)`);
    return { blockedMs, jobs };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
