import { storedDuration } from '../common/durations.js';
import type { ConditionOp, ImplicitLabel, LabelRule } from '../models/model-settings.js';

/** A label rule with its window in milliseconds. */
export interface CompiledRule extends LabelRule {
  index: number;
  withinMs: number;
}

export interface CompiledRules {
  rules: CompiledRule[];
  /** Rules by event type, highest priority first. */
  byEvent: Map<string, CompiledRule[]>;
  implicit: { label: string; afterMs: number } | null;
  /** When, after the prediction, no event can change its direct label any more. */
  finalAfterMs: number | null;
}

/** Events timestamped this long before their prediction are still taken (clock skew between services). */
export const CLOCK_SKEW_MS = 5 * 60_000;

export function compileRules(rules: LabelRule[], implicit: ImplicitLabel | null): CompiledRules {
  const compiled = rules.map((rule, index) => ({ ...rule, index, withinMs: storedDuration(rule.within) ?? 0 }));
  const byEvent = new Map<string, CompiledRule[]>();
  for (const rule of compiled) byEvent.set(rule.event, [...(byEvent.get(rule.event) ?? []), rule]);
  for (const list of byEvent.values()) list.sort((a, b) => b.priority - a.priority || a.index - b.index);
  const implicitMs = implicit ? storedDuration(implicit.after) : null;
  const windows = [...compiled.map((r) => r.withinMs), ...(implicitMs !== null ? [implicitMs] : [])];
  return {
    rules: compiled,
    byEvent,
    implicit: implicit && implicitMs !== null ? { label: implicit.label, afterMs: implicitMs } : null,
    finalAfterMs: windows.length > 0 ? Math.max(...windows) : null,
  };
}

export function conditionHolds(op: ConditionOp, threshold: number, value: number | null): boolean {
  if (value === null) return false;
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
  }
}

export type RuleOutcome =
  | { kind: 'match'; rule: CompiledRule }
  /** A rule matched the event but its window had passed. */
  | { kind: 'late' }
  /** No rule is about this event (type, or its value fails every condition). */
  | { kind: 'no_rule' };

/**
 * Which rule an event triggers for a prediction made at predictionTs: the highest-priority rule for
 * its type whose condition holds and whose window (inclusive at exactly `within`) contains the event.
 */
export function evaluateEvent(
  rules: CompiledRules,
  event: { type: string; ts: number; value: number | null },
  predictionTs: number,
): RuleOutcome {
  const candidates = rules.byEvent.get(event.type);
  if (!candidates) return { kind: 'no_rule' };
  const delay = event.ts - predictionTs;
  let sawLate = false;
  for (const rule of candidates) {
    if (rule.when && !conditionHolds(rule.when.op, rule.when.value, event.value)) continue;
    if (delay < -CLOCK_SKEW_MS || delay > rule.withinMs) {
      sawLate = sawLate || delay > rule.withinMs;
      continue;
    }
    return { kind: 'match', rule };
  }
  return sawLate ? { kind: 'late' } : { kind: 'no_rule' };
}

/**
 * When a window of `lengthMs` closes for a prediction made at ts and logged at receivedAt: at its end
 * in prediction time, but no sooner than a grace after logging (capped at the window's own length),
 * so that back-filled history can still be followed by its events.
 */
export function windowCloses(lengthMs: number, ts: number, receivedAt: number, graceMs: number): number {
  return Math.max(ts + lengthMs, receivedAt + Math.min(graceMs, lengthMs));
}

/** Whether a newly matched rule should replace the current direct label's rule: strictly higher priority. */
export function upgrades(current: { priority: number } | null, next: { priority: number }): boolean {
  return current === null || next.priority > current.priority;
}
