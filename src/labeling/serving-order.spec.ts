import { describe, expect, it } from 'vitest';
import { servingOrder } from './serving-order.js';

const items = (spec: string) => spec.split(' ').map((id) => ({ id, group: id[0] }));
const order = (spec: string) => servingOrder(items(spec), (i) => i.group).map((i) => i.id);

describe('servingOrder', () => {
  it('interleaves equal groups round-robin, keeping each group in rank order', () => {
    expect(order('a1 a2 a3 b1 b2 b3 c1 c2 c3')).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
  });

  it('spreads a small group (the audit sample) evenly through a large one', () => {
    expect(order('a1 a2 a3 a4 a5 a6 x1 x2')).toEqual(['a1', 'a2', 'x1', 'a3', 'a4', 'a5', 'x2', 'a6']);
  });

  it('keeps every item exactly once', () => {
    const spec = 'a1 a2 b1 c1 c2 c3 c4 c5';
    expect([...order(spec)].sort()).toEqual(spec.split(' ').sort());
  });

  it('handles no items', () => {
    expect(servingOrder([], () => 'a')).toEqual([]);
  });
});
