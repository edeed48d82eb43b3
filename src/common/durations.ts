const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/**
 * The longest duration a setting may hold (leaseTtl, rule windows, implicitLabel.after, eventRetention,
 * eventGrace, baselineWindow): 366 days. Far below what timestamps in milliseconds can add without
 * overflowing int8 or a Date, and beyond any window a label join or a lease needs.
 */
export const MAX_DURATION_MS = 366 * UNITS.d;
export const MAX_DURATION_TEXT = '366d';
/** Retention settings may reach further: ten years. */
export const MAX_RETENTION_MS = 3660 * UNITS.d;

/**
 * Parses "30s", "30m", "12h", "7d" into milliseconds; null when the text is not a duration, rounds
 * to 0, or is longer than `max` (default MAX_DURATION_MS).
 */
export function parseDuration(text: string, max = MAX_DURATION_MS): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * UNITS[match[2]]);
  return Number.isFinite(ms) && ms > 0 && ms <= max ? ms : null;
}

/** True for a duration text parseDuration accepts (for validators). */
export function isDuration(value: unknown, max = MAX_DURATION_MS): value is string {
  return typeof value === 'string' && parseDuration(value, max) !== null;
}

/**
 * A duration read back from stored settings: as parseDuration, except that one longer than
 * MAX_DURATION_MS (saved before the cap existed) counts as the cap instead of as unset, so that an
 * old rule's window or lease keeps working rather than falling back to 0 or a default.
 */
export function storedDuration(text: string): number | null {
  const ms = parseDuration(text, Number.MAX_SAFE_INTEGER);
  return ms === null ? null : Math.min(ms, MAX_DURATION_MS);
}
