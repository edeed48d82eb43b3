import { describe, expect, it } from 'vitest';
import { mulberry32, SeededRandom } from './random.js';

describe('mulberry32', () => {
  it('draws the sequence the copies it replaced drew (seed 42, so benchmark and demo data stay the same)', () => {
    const next = mulberry32(42);
    expect([next(), next(), next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('takes the seed modulo 2^32, as the copies did', () => {
    expect(mulberry32(2 ** 32 + 1)()).toBe(mulberry32(1)());
    expect(mulberry32(1)()).toBe(0.6270739405881613);
  });
});

describe('SeededRandom', () => {
  it('draws from mulberry32 with the same seed', () => {
    const random = new SeededRandom(42);
    expect(random.next()).toBe(0.6011037519201636);
    expect(random.int(100)).toBe(44);
  });

  it('draws distinct integers from the range and records them', () => {
    const drawn = new Set([0, 1]);
    const out = new SeededRandom(3).distinct(10, 20, drawn);
    expect(out).toHaveLength(8);
    expect(new Set(out).size).toBe(8);
    expect(out.every((n) => n >= 2 && n < 10)).toBe(true);
    expect(drawn.size).toBe(10);
  });

  it('forks an independent stream that does not repeat its parent', () => {
    const parent = new SeededRandom(5);
    const child = parent.fork();
    expect(child.next()).not.toBe(parent.next());
  });
});
