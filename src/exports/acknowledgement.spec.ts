import { describe, expect, it } from 'vitest';
import type { FeedbackCheck, FeedbackReport } from '../feedback/feedback.types.js';
import { findings, unacknowledged } from './acknowledgement.js';

function check(name: string, severity: FeedbackCheck['severity']): FeedbackCheck {
  return { name, value: 0, threshold: 0, severity, explanation: '', action: '' };
}

const report: FeedbackReport = {
  model: 'm',
  window: { from: null, to: null },
  version: null,
  worst: 'block',
  checks: [check('a', 'ok'), check('b', 'warn'), check('c', 'block'), check('d', 'unknown')],
};

describe('unacknowledged', () => {
  it.each([
    [false, false, ['b', 'c']],
    [true, false, ['c']],
    [false, true, ['b']],
    [true, true, []],
  ])('warnings %s, blocking %s leaves %j', (warnings, blocking, names) => {
    expect(unacknowledged(report, { warnings, blocking }).map((c) => c.name)).toEqual(names);
  });

  it('needs nothing for a clean report', () => {
    expect(unacknowledged({ ...report, worst: 'ok', checks: [check('a', 'ok')] }, { warnings: false, blocking: false })).toEqual(
      [],
    );
  });

  it('lists warn and block findings, not ok or unknown ones', () => {
    expect(findings(report).map((c) => c.name)).toEqual(['b', 'c']);
  });
});
