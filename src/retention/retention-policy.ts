import { MAX_RETENTION_MS, parseDuration } from '../common/durations.js';

export { MAX_RETENTION_MS };

export interface RetentionPolicy {
  /** ms each kind of row is kept; null keeps it forever ("off"). */
  exports: number | null;
  outbox: number | null;
  notifications: number | null;
  orphanedEvents: number | null;
  everyMs: number;
}

export interface RetentionEnv {
  RETENTION_EXPORTS: string;
  RETENTION_OUTBOX: string;
  RETENTION_NOTIFICATIONS: string;
  RETENTION_ORPHANED_EVENTS: string;
  RETENTION_EVERY: string;
}

/** "off" or a duration of at most ten years (the config refuses anything else at start-up). */
export function retentionMs(text: string): number | null {
  return text === 'off' ? null : parseDuration(text, MAX_RETENTION_MS);
}

export function retentionPolicy(env: RetentionEnv): RetentionPolicy {
  return {
    exports: retentionMs(env.RETENTION_EXPORTS),
    outbox: retentionMs(env.RETENTION_OUTBOX),
    notifications: retentionMs(env.RETENTION_NOTIFICATIONS),
    orphanedEvents: retentionMs(env.RETENTION_ORPHANED_EVENTS),
    everyMs: parseDuration(env.RETENTION_EVERY) ?? 3_600_000,
  };
}

/** Rows older than this are past retention; null when the kind is kept forever. */
export function cutoff(retention: number | null, now: number): number | null {
  return retention === null ? null : now - retention;
}
