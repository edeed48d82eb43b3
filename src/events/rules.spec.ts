import { describe, expect, it } from 'vitest';
import { compileRules, conditionHolds, evaluateEvent, upgrades, windowCloses } from './rules.js';

const M = 60_000;
const rules = compileRules(
  [
    { event: 'click', label: 'click', within: '30m', priority: 10 },
    { event: 'purchase', label: 'purchase', within: '7d', priority: 20 },
    { event: 'dwell', label: 'click', within: '30m', priority: 5, when: { op: '>', value: 30 } },
    { event: 'report', label: 'ignore', within: '1d', priority: 30 },
    { event: 'rating', label: 'purchase', within: '1d', priority: 15, when: { op: '>=', value: 4 } },
    { event: 'rating', label: 'ignore', within: '1d', priority: 12, when: { op: '<=', value: 2 } },
  ],
  { label: 'ignore', after: '30m' },
);

describe('evaluateEvent', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string, { type: string; delayMs: number; value?: number | null }, string]>([
    ['click inside the window', { type: 'click', delayMs: 5 * M }, 'match:0'],
    ['click exactly at within (inclusive)', { type: 'click', delayMs: 30 * M }, 'match:0'],
    ['click one ms after within', { type: 'click', delayMs: 30 * M + 1 }, 'late'],
    ['purchase after 6 days', { type: 'purchase', delayMs: 6 * 24 * 60 * M }, 'match:1'],
    ['purchase after 8 days', { type: 'purchase', delayMs: 8 * 24 * 60 * M }, 'late'],
    ['an event type no rule knows', { type: 'scroll', delayMs: M }, 'no_rule'],
    ['dwell over 30 s', { type: 'dwell', delayMs: M, value: 31 }, 'match:2'],
    ['dwell of exactly 30 s (condition is >)', { type: 'dwell', delayMs: M, value: 30 }, 'no_rule'],
    ['dwell without a value', { type: 'dwell', delayMs: M, value: null }, 'no_rule'],
    ['high rating picks the matching condition', { type: 'rating', delayMs: M, value: 5 }, 'match:4'],
    ['low rating picks the other rule', { type: 'rating', delayMs: M, value: 1 }, 'match:5'],
    ['middling rating matches neither', { type: 'rating', delayMs: M, value: 3 }, 'no_rule'],
    ['an event 1 minute before its prediction (clock skew)', { type: 'click', delayMs: -M }, 'match:0'],
    ['an event 10 minutes before its prediction', { type: 'click', delayMs: -10 * M }, 'no_rule'],
  ])('%s', (_, e, expected) => {
    const outcome = evaluateEvent(rules, { type: e.type, ts: t0 + e.delayMs, value: e.value ?? null }, t0);
    expect(outcome.kind === 'match' ? `match:${outcome.rule.index}` : outcome.kind).toBe(expected);
  });
});

describe('compileRules', () => {
  it('closes the window at the longest rule or implicit delay', () => {
    expect(rules.finalAfterMs).toBe(7 * 24 * 60 * M);
    expect(rules.implicit).toEqual({ label: 'ignore', afterMs: 30 * M });
  });

  it('has no window without rules or implicit label', () => {
    expect(compileRules([], null).finalAfterMs).toBeNull();
  });
});

describe('upgrades', () => {
  it.each([
    [null, 10, true],
    [10, 20, true],
    [20, 10, false],
    [10, 10, false],
  ])('current %s, next %s -> %s', (current, next, expected) => {
    expect(upgrades(current === null ? null : { priority: current }, { priority: next })).toBe(expected);
  });
});

describe('conditionHolds', () => {
  it.each([
    ['>', 1, 2, true],
    ['>', 2, 2, false],
    ['>=', 2, 2, true],
    ['<', 2, 1, true],
    ['<=', 2, 3, false],
    ['==', 2, 2, true],
    ['==', 2, 2.5, false],
  ] as const)('%s %s on %s -> %s', (op, threshold, value, expected) => {
    expect(conditionHolds(op, threshold, value)).toBe(expected);
  });
});

describe('windowCloses', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['a live prediction closes at the end of its window', t0, t0, 10 * M, 30 * M, t0 + 30 * M],
    [
      'a back-filled prediction closes a grace after it was logged',
      t0,
      t0 + 24 * 60 * M,
      10 * M,
      30 * M,
      t0 + 24 * 60 * M + 10 * M,
    ],
    ['the grace never exceeds the window', t0, t0 + 24 * 60 * M, 10 * M, 2 * M, t0 + 24 * 60 * M + 2 * M],
    ['no grace: the window in prediction time', t0, t0 + 60 * M, 0, 30 * M, t0 + 60 * M],
  ])('%s', (_, ts, receivedAt, grace, length, expected) => {
    expect(windowCloses(length, ts, receivedAt, grace)).toBe(expected);
  });
});

describe('rules stored before durations were capped', () => {
  it('keep a window (the cap) instead of none', () => {
    const rules = compileRules([{ event: 'click', label: 'click', within: '400d', priority: 1 }], null);
    expect(rules.rules[0].withinMs).toBe(366 * 86_400_000);
  });
});
