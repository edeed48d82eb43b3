import { describe, expect, it } from 'vitest';
import { StepSize } from './step-size.js';

describe('StepSize', () => {
  it('takes the largest step until one has been measured', () => {
    expect(new StepSize(20, 100, 2000).next()).toBe(2000);
  });

  it('sizes the next step to the budget at the measured cost per row', () => {
    const size = new StepSize(20, 100, 2000);
    size.record(2000, 200); // 0.1 ms a row
    expect(size.next()).toBe(200);
  });

  it('takes the largest step when nothing waits on it', () => {
    const size = new StepSize(20, 100, 2000);
    size.record(2000, 200);
    expect(size.next(false)).toBe(2000);
    expect(size.next(true)).toBe(200);
  });

  it('keeps every step at max with a budget of 0', () => {
    const size = new StepSize(0, 100, 2000);
    size.record(2000, 4000);
    expect(size.next(true)).toBe(2000);
  });

  it('stays between min and max', () => {
    const slow = new StepSize(20, 100, 2000);
    slow.record(2000, 4000); // 2 ms a row: 10 rows would fit
    expect(slow.next()).toBe(100);
    const fast = new StepSize(20, 100, 2000);
    fast.record(2000, 2); // 1 us a row
    expect(fast.next()).toBe(2000);
  });

  it('moves a third of the way towards each new measurement', () => {
    const size = new StepSize(30, 10, 10_000);
    size.record(1000, 100); // 0.1 ms a row
    size.record(1000, 400); // 0.4: the estimate moves to 0.2
    expect(size.next()).toBe(150);
  });

  it('ignores steps smaller than min, whose fixed cost hides the cost per row', () => {
    const size = new StepSize(20, 100, 2000);
    size.record(5, 10);
    expect(size.next()).toBe(2000);
  });

  it('rejects a budget or bounds that cannot size a step', () => {
    expect(() => new StepSize(-1, 100, 2000)).toThrow(RangeError);
    expect(() => new StepSize(20, 0, 2000)).toThrow(RangeError);
    expect(() => new StepSize(20, 300, 200)).toThrow(RangeError);
  });
});
