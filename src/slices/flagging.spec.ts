import { describe, expect, it } from 'vitest';
import { type Counts, type FlagReason, flagReason, type FlagThresholds } from './flagging.js';

const defaults: FlagThresholds = { minAccuracy: null, minSupport: 30 };

describe('flagReason', () => {
  // Wilson upper bounds used below: 20/40 -> 0.6480, 30/40 -> 0.8581, 10/30 -> 0.5121, 0/5 -> 0.4345.
  it.each<[string, Counts, Counts, FlagThresholds, FlagReason | null]>([
    [
      'interval wholly below minAccuracy',
      { n: 40, correct: 20 },
      { n: 40, correct: 20 },
      { minAccuracy: 0.7, minSupport: 30 },
      'below_min_accuracy',
    ],
    [
      'interval reaching minAccuracy',
      { n: 40, correct: 20 },
      { n: 40, correct: 20 },
      { minAccuracy: 0.64, minSupport: 30 },
      null,
    ],
    ['interval wholly below the rest of the model', { n: 40, correct: 20 }, { n: 240, correct: 200 }, defaults, 'below_rest'],
    ['interval overlapping the rest of the model', { n: 40, correct: 30 }, { n: 240, correct: 200 }, defaults, null],
    ['too little support, however bad', { n: 29, correct: 0 }, { n: 1000, correct: 990 }, defaults, null],
    ['exactly minSupport', { n: 30, correct: 10 }, { n: 1030, correct: 1010 }, defaults, 'below_rest'],
    ['no other rows to compare with', { n: 40, correct: 20 }, { n: 40, correct: 20 }, defaults, null],
    [
      'minAccuracy checked before the rest',
      { n: 30, correct: 10 },
      { n: 1030, correct: 1010 },
      { minAccuracy: 0.9, minSupport: 30 },
      'below_min_accuracy',
    ],
    ['a lower minSupport', { n: 5, correct: 0 }, { n: 105, correct: 100 }, { minAccuracy: null, minSupport: 5 }, 'below_rest'],
    ['an empty slice', { n: 0, correct: 0 }, { n: 100, correct: 90 }, { minAccuracy: 0.5, minSupport: 1 }, null],
    // 20/40 has upper bound 0.6480; the rest, 180/200 = 0.9, is 0.252 above it.
    ['a gap wider than minGap', { n: 40, correct: 20 }, { n: 240, correct: 200 }, { ...defaults, minGap: 0.25 }, 'below_rest'],
    ['a certain gap narrower than minGap', { n: 40, correct: 20 }, { n: 240, correct: 200 }, { ...defaults, minGap: 0.26 }, null],
  ])('%s', (_, slice, overall, thresholds, expected) => {
    expect(flagReason(slice, overall, thresholds)).toBe(expected);
  });

  it('compares with the rest, not with the overall that includes the slice', () => {
    // Overall 125/200 = 0.625 is below the slice's upper bound (0.6480); the rest, 105/160 = 0.656, is above it.
    expect(flagReason({ n: 40, correct: 20 }, { n: 200, correct: 125 }, defaults)).toBe('below_rest');
  });
});
