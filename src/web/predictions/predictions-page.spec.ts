import { describe, expect, it } from 'vitest';
import { pageQuery } from './explorer.view.js';
import { decodeCursor, encodeCursor, filterOf } from './predictions-page.dto.js';
import { type PredictionDetail, timeline, traceHref } from './prediction-page.view.js';

describe('filterOf', () => {
  it.each([
    [{}, {}],
    [{ predicted: '', label: '', source: '', disagree: '' }, {}],
    [
      { source: 'none', disagree: 'on' },
      { source: 'none', disagree: true },
    ],
    [{ sliceKey: ['country', 'device'], sliceValue: ['de', ''] }, { slices: { country: 'de' } }],
    [
      { from: '2025-01-01T10:00', to: '2025-01-01T11:00:30' },
      { from: Date.parse('2025-01-01T10:00Z'), to: Date.parse('2025-01-01T11:00:30Z') },
    ],
    [{ from: '2025-01-01T10:00+02:00' }, { from: Date.parse('2025-01-01T08:00Z') }],
    [
      { version: 'v2', predicted: 'buy', label: 'skip' },
      { version: 'v2', predicted: 'buy', label: 'skip' },
    ],
  ])('reads %o as %o', (query, filter) => {
    expect(filterOf(query)).toEqual(filter);
  });

  it.each([
    [{ sliceKey: ['country'], sliceValue: [] }, 'sliceValue'],
    [{ from: '2025-01-02T00:00', to: '2025-01-01T00:00' }, 'to'],
    [{ from: '2025-13-45T99:99' }, 'from'],
  ])('refuses %o naming %s', (query, field) => {
    expect(() => filterOf(query)).toThrow(
      expect.objectContaining({ response: expect.objectContaining({ details: [expect.objectContaining({ field })] }) }),
    );
  });
});

describe('page cursors', () => {
  it('round-trips (ts, id), ids with any characters included', () => {
    const cursor = { ts: 1_700_000_000_123, id: 'a/b?c=d&é' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(undefined)).toBeNull();
  });

  it.each(['bm90IGpzb24', encodeCursor({ ts: 1.5, id: 'x' }), Buffer.from('[1]').toString('base64url')])('refuses %s', (text) => {
    expect(() => decodeCursor(text)).toThrow();
  });

  it('keeps the filters and drops empty slice values in the next page query', () => {
    expect(pageQuery({ version: 'v1', q: 'ignored', sliceKey: ['a', 'b'], sliceValue: ['', 'x y'] }, 'CUR')).toBe(
      'version=v1&sliceKey=b&sliceValue=x+y&after=CUR',
    );
  });
});

const prediction = (overrides: Partial<PredictionDetail> = {}): PredictionDetail => ({
  id: 'p1',
  model: 'shop',
  modelVersion: 'v1',
  timestamp: '2025-01-01T10:00:00.000Z',
  features: {},
  prediction: 'buy',
  scores: { buy: 0.7, skip: 0.3 },
  slices: {},
  itemId: null,
  exposure: null,
  traceId: null,
  uncertainty: { leastConfidence: 0.3, margin: 0.4, entropy: 0.6 },
  receivedAt: '2025-01-01T10:00:01.000Z',
  events: [],
  labels: [],
  effectiveLabel: null,
  ...overrides,
});

describe('timeline', () => {
  it('orders by time, and at one instant: logged, event, label, effective change, task', () => {
    const at = '2025-01-01T10:00:00.000Z';
    const ms = Date.parse(at);
    const entries = timeline({
      prediction: prediction({
        events: [{ id: 'e1', type: 'buy', timestamp: at, value: null, attributes: null, state: 'joined', receivedAt: at }],
        labels: [
          {
            label: 'buy',
            source: 'direct',
            by: 'rule',
            rule: null,
            eventIds: ['e1'],
            final: false,
            createdAt: at,
            updatedAt: at,
          },
        ],
      }),
      changes: [{ seq: 1, oldLabel: null, oldSource: null, newLabel: 'buy', newSource: 'direct', at: ms }],
      tasks: [
        {
          id: 't',
          batchId: 'b',
          reason: 'audit',
          score: null,
          status: 'done',
          labelerName: 'ann',
          queuedAt: ms,
          leasedAt: ms + 5,
          completedAt: ms + 9,
          label: 'skip',
        },
      ],
    });
    expect(entries.map((e) => e.kind)).toEqual(['logged', 'event', 'label', 'effective', 'task']);
    expect(entries[3].title).toBe('Effective label none → buy (direct)');
    expect(entries[4].details).toContain('answered skip');
  });

  it('puts a later event after an earlier label', () => {
    const entries = timeline({
      prediction: prediction({
        events: [
          {
            id: 'e',
            type: 'x',
            timestamp: '2025-01-01T12:00:00.000Z',
            value: 3,
            attributes: null,
            state: 'joined',
            receivedAt: '2025-01-01T12:00:00.000Z',
          },
        ],
        labels: [
          {
            label: 'skip',
            source: 'manual',
            by: 'ann',
            rule: null,
            eventIds: [],
            final: true,
            createdAt: '2025-01-01T11:00:00.000Z',
            updatedAt: '2025-01-01T11:00:00.000Z',
          },
        ],
      }),
      changes: [],
      tasks: [],
    });
    expect(entries.map((e) => e.kind)).toEqual(['logged', 'label', 'event']);
  });
});

describe('traceHref', () => {
  it.each([
    [null, 'abc', null],
    ['http://j/trace/{traceId}', null, null],
    ['http://j/trace/{traceId}?q={traceId}', 'abc', 'http://j/trace/abc?q=abc'],
    ['http://j/{traceId}', 'a b"', 'http://j/a%20b%22'],
  ])('template %s with %s gives %s', (template, id, href) => {
    expect(traceHref(template, id)).toBe(href);
  });
});
