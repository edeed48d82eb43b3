import { describe, expect, it } from 'vitest';
import type { AgreementCell } from '../quality/agreement.js';
import { behaviourLabelQuality, recommend } from './quality-checks.js';

const cell = (source: string, sourceLabel: string, humanLabel: string, n: number, audit = false): AgreementCell => ({
  source,
  rule: null,
  key: '*',
  value: '*',
  sourceLabel,
  humanLabel,
  audit,
  n,
});

// Wilson 95% intervals from scipy (norm.ppf(0.975)): 83/100 -> [0.7445, 0.8911]; 12/15 -> [0.5481, 0.9295].
describe('behaviourLabelQuality', () => {
  it('warns on the source+class whose agreement with all human labels is significantly below 90%, with its interval', () => {
    const check = behaviourLabelQuality('spam', [cell('implicit', 'ham', 'ham', 83), cell('implicit', 'ham', 'spam', 17)]);
    expect(check).toMatchObject({ name: 'behaviour_label_quality', severity: 'warn', value: 0.83, threshold: 0.9 });
    expect(check.interval![0]).toBeCloseTo(0.74452, 4);
    expect(check.interval![1]).toBeCloseTo(0.891064, 4);
    expect(check.explanation).toContain("implicit 'ham' labels disagree with human labels (chosen by active learning");
    expect(check.explanation).toContain('17.0% of the time (100 labels, 95% CI [10.9%, 25.5%])');
  });

  it('uses audit labels alone once a source+class has enough of them, and is ok when the interval reaches 90%', () => {
    const check = behaviourLabelQuality('spam', [
      cell('implicit', 'ham', 'ham', 60),
      cell('implicit', 'ham', 'spam', 40),
      cell('implicit', 'ham', 'ham', 12, true),
      cell('implicit', 'ham', 'spam', 3, true),
    ]);
    expect(check.severity).toBe('ok');
    expect(check.value).toBeCloseTo(0.8, 10);
    expect(check.interval![0]).toBeCloseTo(0.548146, 4);
    expect(check.explanation).toContain("implicit 'ham' labels disagree with audit labels 20.0% of the time (15 labels");
  });

  it('cannot tell without predictions that carry both labels', () => {
    expect(behaviourLabelQuality('spam', []).severity).toBe('unknown');
  });
});

describe('recommend', () => {
  it('recommends label_quality when human labels measure every behaviour source, with the figures', () => {
    const r = recommend(
      [cell('implicit', 'ham', 'ham', 83), cell('implicit', 'ham', 'spam', 17), cell('direct', 'spam', 'spam', 10, true)],
      { ham: 900, spam: 100 },
    );
    expect(r.mitigation).toBe('label_quality');
    expect(r.reason).toContain('110 human labels');
    expect(r.reason).toContain('implicit agrees with human labels 83.0% of 100 (0 audit)');
    expect(r.reason).not.toContain('shrunk');
  });

  it('still recommends label_quality with a thin source, and says it is shrunk', () => {
    const r = recommend([cell('implicit', 'ham', 'ham', 40), cell('direct', 'spam', 'spam', 3)], { ham: 500, spam: 400 });
    expect(r.mitigation).toBe('label_quality');
    expect(r.reason).toContain('direct (under 10) shrunk');
  });

  it.each([
    ['no human label, uneven classes', [], { ham: 900, spam: 100 }, 'class_balance', 'no human label'],
    [
      'no source with 10',
      [
        cell('implicit', 'ham', 'ham', 9),
        cell('direct', 'spam', 'spam', 9),
        cell('weak', 'spam', 'spam', 9),
        cell('vendor', 'ham', 'ham', 9),
      ],
      { ham: 500, spam: 400 },
      'none',
      'need 30',
    ],
    ['too few in all', [cell('implicit', 'ham', 'ham', 20)], { ham: 100, spam: 10 }, 'class_balance', '(20; need 30'],
  ])('falls back without enough human labels: %s', (_name, cells, byClass, mitigation, why) => {
    const r = recommend(cells, byClass);
    expect(r.mitigation).toBe(mitigation);
    expect(r.reason).toContain(why);
  });
});
