import { parseDuration } from '../common/durations.js';
import { SeededRandom } from '../common/random.js';
import { CLASSES, MODEL_NAME, type Outcome, SHOP_RECOMMENDER_MODEL, type Truth } from './shop-world.js';

/** The click rule's attribution window of the demo model (30m). */
export const CLICK_WINDOW_MS = ruleWindow('click');
/** When the demo model's implicit label closes a prediction with no matching event (30m). */
export const IMPLICIT_AFTER_MS = parseDuration(SHOP_RECOMMENDER_MODEL.implicitLabel.after)!;

/** Of the predictions whose users click, how many reach the service only after their first event. */
export const DEFAULT_EARLY_SHARE = 0.04;
/** Of the users who ignored a recommendation, how many come back and click it after the window. */
export const DEFAULT_LATE_SHARE = 0.06;

/** Exactly what POST /api/v1/events receives. */
export interface EventPayload {
  id: string;
  model: string;
  predictionId: string;
  type: 'click' | 'purchase';
  timestamp: string;
}

export interface PlannedEvent {
  payload: EventPayload;
  ts: number;
  /** After every window that could use it: the service stores it, counts it late and changes no label. */
  late: boolean;
}

export interface BehaviourPlan {
  /** Oldest first. */
  events: PlannedEvent[];
  /**
   * Set when the prediction's log reaches the service only after its first event (a slow logging
   * pipeline): live, it is delivered at this time; in history, in a later batch than its events.
   */
  delayedUntil: number | null;
}

export interface BehaviourOptions {
  earlyShare?: number;
  lateShare?: number;
}

/**
 * What the user does after a prediction, played from its hidden truth: a click and a purchase at the
 * truth's delays; sometimes a return visit with a click after the window; sometimes the prediction's
 * own log arrives after its first event. Seeded by (seed, prediction id), so the same prediction is
 * always played the same way, whatever order predictions are planned in.
 */
export function planBehaviour(predictionId: string, truth: Truth, seed: number, options: BehaviourOptions = {}): BehaviourPlan {
  const rng = new SeededRandom(hashSeed(seed, predictionId));
  // Every draw is made whatever the outcome, so one choice never shifts another.
  const comesBack = rng.chance(options.lateShare ?? DEFAULT_LATE_SHARE);
  const comesBackAfter = CLICK_WINDOW_MS + Math.round(rng.between(5, 150) * 60_000);
  const logIsSlow = rng.chance(options.earlyShare ?? DEFAULT_EARLY_SHARE);
  const logDelay = Math.round(rng.between(2_000, 30_000));

  const events: PlannedEvent[] = [];
  const add = (type: EventPayload['type'], ts: number, late: boolean) =>
    events.push({
      payload: {
        id: `${predictionId}.${type}${late ? '-late' : ''}`,
        model: MODEL_NAME,
        predictionId,
        type,
        timestamp: new Date(ts).toISOString(),
      },
      ts,
      late,
    });
  if (truth.clickAfterMs !== null) add('click', truth.ts + truth.clickAfterMs, false);
  if (truth.purchaseAfterMs !== null) add('purchase', truth.ts + truth.purchaseAfterMs, false);
  if (truth.outcome === 'ignore' && comesBack) add('click', truth.ts + comesBackAfter, true);

  const first = events[0];
  // Only while the implicit window is still open, so that the late log does not change the label.
  const delayedUntil =
    logIsSlow && first && !first.late && first.ts + logDelay < truth.ts + IMPLICIT_AFTER_MS - 60_000 ? first.ts + logDelay : null;
  return { events, delayedUntil };
}

export interface HistoryItem {
  plan: BehaviourPlan;
  /** The prediction's timestamp. */
  ts: number;
}

export interface HistoryDelivery {
  /** Sent before the batch of predictions they follow. */
  before: PlannedEvent[];
  /** Sent right after it. */
  after: PlannedEvent[];
  /** Not due yet: sent live when their time comes. */
  later: PlannedEvent[];
}

/**
 * In which order the events of a batch of past predictions reach the service. The service closes a
 * prediction's implicit window as soon as it stores a prediction older than the window, so the event
 * that decides the window (the first click) must already be there: it goes before its prediction, as
 * it would have live. So do all events of a prediction whose log is slow (`delayedUntil`). Purchases
 * and late clicks, and everything of predictions whose window is still open, follow the predictions.
 */
export function arrangeHistory(items: HistoryItem[], now: number, marginMs = 60_000): HistoryDelivery {
  const delivery: HistoryDelivery = { before: [], after: [], later: [] };
  for (const { plan, ts } of items) {
    const windowClosed = ts + IMPLICIT_AFTER_MS <= now + marginMs;
    plan.events.forEach((event, i) => {
      if (event.ts > now) delivery.later.push(event);
      else if (plan.delayedUntil !== null || (i === 0 && !event.late && windowClosed)) delivery.before.push(event);
      else delivery.after.push(event);
    });
  }
  return delivery;
}

/** A plausibly noisy human: the hidden outcome with probability `accuracy`, otherwise another class. */
export function humanLabel(outcome: Outcome, rng: SeededRandom, accuracy: number): Outcome {
  if (rng.chance(accuracy)) return outcome;
  return rng.pick(CLASSES.filter((c) => c !== outcome));
}

/** FNV-1a over the seed and an id: a per-prediction seed. */
export function hashSeed(seed: number, id: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function ruleWindow(event: string): number {
  const rule = SHOP_RECOMMENDER_MODEL.labelRules.find((r) => r.event === event);
  const ms = rule ? parseDuration(rule.within) : null;
  if (ms === null) throw new Error(`the demo model has no "${event}" rule with a window`);
  return ms;
}
