import { describe, expect, it } from 'vitest';
import { rebucket, type SparklineOptions, sparkline } from './sparkline.js';

const box: SparklineOptions = { width: 100, height: 20, from: 0, to: 400, bucketMs: 100, domain: [0, 1], reference: 0.75 };

describe('sparkline', () => {
  it('draws accuracy per bucket at the bucket middle, scaled to the box, with the latest point and the reference', () => {
    const s = sparkline(
      [
        { t: 300, n: 10, correct: 10 },
        { t: 0, n: 10, correct: 8 },
        { t: 100, n: 10, correct: 5 },
      ],
      box,
    );
    expect(s.line).toBe('M12.5,4 L37.5,10 L87.5,0');
    expect(s.last).toEqual({ x: 87.5, y: 0 });
    expect(s.ref).toBe(5);
    expect(s).toMatchObject({ width: 100, height: 20 });
  });

  it('draws the 95% Wilson interval as a closed band: upper bounds forward, lower bounds back', () => {
    // 8/10 -> [0.4902, 0.9433], 5/10 -> [0.2366, 0.7634]
    const s = sparkline(
      [
        { t: 0, n: 10, correct: 8 },
        { t: 100, n: 10, correct: 5 },
      ],
      box,
    );
    expect(s.band).toBe('M12.5,1.1 L37.5,4.7 L37.5,15.3 L12.5,10.2 Z');
  });

  it('zooms into the domain and keeps what falls outside it on the edge', () => {
    const s = sparkline(
      [
        { t: 0, n: 4, correct: 3 },
        { t: 100, n: 10, correct: 1 },
      ],
      { ...box, domain: [0.5, 1], reference: 0.2 },
    );
    expect(s.line).toBe('M12.5,10 L37.5,20');
    expect(s.ref).toBe(20);
  });

  it('leaves out points outside the time span and buckets without labels', () => {
    const s = sparkline(
      [
        { t: -200, n: 5, correct: 5 },
        { t: 200, n: 0, correct: 0 },
        { t: 200, n: 2, correct: 1 },
        { t: 400, n: 5, correct: 0 },
      ],
      box,
    );
    expect(s.line).toBe('M62.5,10');
  });

  it('draws nothing without points', () => {
    expect(sparkline([], { ...box, reference: null })).toEqual({
      width: 100,
      height: 20,
      line: '',
      band: '',
      last: null,
      ref: null,
    });
  });

  it('produces only path commands and numbers', () => {
    const s = sparkline(
      Array.from({ length: 30 }, (_, i) => ({ t: i * 13, n: 7 + i, correct: i })),
      box,
    );
    expect(`${s.line} ${s.band}`).toMatch(/^[MLZ0-9., -]+$/);
  });
});

describe('rebucket', () => {
  it('sums hours into aligned longer buckets, oldest first, dropping empty ones', () => {
    const H = 3_600_000;
    expect(
      rebucket(
        [
          { t: 7 * H, n: 2, correct: 1 },
          { t: 0, n: 3, correct: 3 },
          { t: 5 * H, n: 4, correct: 2 },
          { t: 13 * H, n: 0, correct: 0 },
        ],
        6 * H,
      ),
    ).toEqual([
      { t: 0, n: 7, correct: 5 },
      { t: 6 * H, n: 2, correct: 1 },
    ]);
  });
});
