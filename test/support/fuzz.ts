import fc from 'fast-check';
import type { Response } from 'supertest';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

/**
 * The fuzz suite's shared parts: the seed (FUZZ_SEED, or one drawn and printed so that a failing run
 * can be repeated), callers of every role and none, odd values, and the checks every answer must pass.
 */
export function fuzzSeed(suite: string): number {
  const seed = process.env.FUZZ_SEED
    ? Number(process.env.FUZZ_SEED)
    : process.env.CI
      ? 20261201 // CI gates on one reproducible seed; local runs draw a new one each time
      : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`\n${suite}: fast-check seed ${seed} (repeat with FUZZ_SEED=${seed})\n`);
  return seed;
}

/** Runs per property, scaled by FUZZ_RUNS_SCALE (CI's default 1 keeps the suite within a couple of minutes). */
export const runs = (n: number) => Math.max(1, Math.round(n * Number(process.env.FUZZ_RUNS_SCALE ?? 1)));

export type Caller = 'none' | 'ingest' | 'labeler' | 'admin' | 'bad-token';
export const CALLERS: Caller[] = ['none', 'ingest', 'labeler', 'admin', 'bad-token'];

/** Mostly a caller the route admits (so the body gets past the guard), sometimes anyone. */
export function callerFor(roles: 'public' | readonly string[]): fc.Arbitrary<Caller> {
  const allowed = roles === 'public' ? CALLERS : (['admin', ...roles] as Caller[]);
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: fc.constantFrom(...CALLERS) });
}

export interface Callers {
  header(caller: Caller): Record<string, string>;
}

export async function callersOf(t: TestApp): Promise<Callers> {
  const tokens: Record<string, string> = {
    admin: t.adminToken,
    ingest: await t.tokenFor('ingest', 'fuzz-ingest'),
    labeler: await t.tokenFor('labeler', 'fuzz-labeler'),
    'bad-token': 'rl_not_a_token',
  };
  return {
    header: (caller): Record<string, string> => (caller === 'none' ? {} : { Authorization: `Bearer ${tokens[caller]}` }),
  };
}

/** Strings a hostile or careless client sends: control characters, NUL, odd dates, long text, lookalikes. */
export const oddString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\n',
    '\ud800',
    '..',
    '../../etc/passwd',
    '%00',
    '%',
    '__proto__',
    'constructor',
    'toString',
    '2026-W05',
    '2026-032',
    '20260101',
    '2026-01-01T10',
    '2026-13-01',
    '2026-02-30',
    '9999-12-31T23:59:59Z',
    '0000-01-01',
    '1e309',
    'NaN',
    '-1',
    '99999999999999999999d',
    '1ms',
    '=cmd|"/c calc"',
    '＝1+1',
    '<script>alert(1)</script>',
    "'; DROP TABLE predictions; --",
  ),
  fc.integer({ min: 201, max: 5000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON value, a little nested, with odd strings and numbers at the edges. */
export const oddValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddString,
    fc.constantFrom(null, true, false, 0, -0, -1, 0.5, 1, 1.0000001, 2 ** 53, -(2 ** 63), 1e308, 1e-320),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(oddString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A valid body changed the way clients get bodies wrong: a field dropped, replaced, added, or the whole body swapped. */
export function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const key = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x');
  return fc.oneof(
    fc.constant(valid),
    key.map((k) => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== k))),
    fc.tuple(key, oddValue).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.tuple(key, oddValue, oddValue).map(([k, v, w]) => ({ ...valid, [k]: deepReplace(valid[k], v, w) })),
    fc.tuple(oddString, oddValue).map(([k, v]) => ({ ...valid, [k]: v })),
    oddValue,
    fc.constant([valid]),
  );
}

/** The value with one nested leaf (or, for a leaf, the value itself) replaced. */
function deepReplace(value: unknown, replacement: unknown, pick: unknown): unknown {
  if (typeof value !== 'object' || value === null) return replacement;
  const entries = Object.entries(value);
  if (entries.length === 0) return replacement;
  const index = Math.abs(JSON.stringify(pick ?? 0).length) % entries.length;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  copy[entries[index][0]] = deepReplace(entries[index][1], replacement, pick);
  return copy;
}

/** A path segment a client might put where an id or a model name goes. */
export const oddSegment = fc.oneof(
  fc.constantFrom('shop', 'nope', 'route-check', '00000000-0000-0000-0000-000000000000', '1'),
  oddString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')).slice(0, 3000) || '%20'),
  fc.constantFrom('%00', '%ff', '%E0%A4%A', '..%2F..%2F', '%2e%2e', 'a%2Fb', 'x'.repeat(2000), '%F0%9F%98%80'),
);

/** Answers per status, printed at the end of a suite, so a run shows what it reached. */
export class StatusTally {
  private readonly counts = new Map<number, number>();
  add(status: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
  }
  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  print(suite: string): void {
    const parts = [...this.counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    process.stdout.write(`${suite}: ${this.total} requests (${parts.join(', ')})\n`);
  }
}

/** What every answer must be: quick, below 500, and, for the API, JSON whose 400s name the field. */
export function expectSound(res: Response, where: string): void {
  const context = `${where} -> ${res.status} ${res.text?.slice(0, 300)}`;
  expect(res.status, context).toBeLessThan(500);
  if (!where.includes(' /api/')) return;
  // 431: Node's HTTP parser refuses a request line over 16 KB before the app sees it.
  if (res.status >= 400 && res.status !== 404 && res.status !== 431) {
    expect(res.headers['content-type'], context).toMatch(/^application\/json/);
    const body = res.body as { statusCode?: number; message?: unknown; details?: { field?: unknown }[] };
    expect(body.statusCode, context).toBe(res.status);
    expect(typeof body.message, context).toBe('string');
    if (res.status === 400) {
      expect(Array.isArray(body.details) && body.details.length > 0, context).toBe(true);
      for (const d of body.details!) expect(typeof d.field, context).toBe('string');
    }
  }
}

/** The supertest timeout that turns a hang into a failure. */
export const NO_HANG = { response: 15_000, deadline: 30_000 };
