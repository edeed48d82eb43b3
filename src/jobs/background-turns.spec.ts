import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { backgroundTurn } from './background-turns.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('backgroundTurn', () => {
  it('grants one waiter per turn of the event loop, so timers and I/O run between two steps', async () => {
    const order: string[] = [];
    const a = backgroundTurn().then(() => {
      order.push('a');
      setTimeout(() => order.push('timer'), 0);
      busy(5); // a synchronous step
    });
    const b = backgroundTurn().then(() => {
      order.push('b');
      busy(5);
    });
    const c = backgroundTurn().then(() => order.push('c'));
    await Promise.all([a, b, c]);
    await sleep(5);
    expect(order).toEqual(['a', 'timer', 'b', 'c']);
  });

  it('serves waiters in the order they asked', async () => {
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => backgroundTurn().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });
});
