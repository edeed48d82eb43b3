import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/roles.decorator.js';
import type { BatchDto } from './labeling-page-progress.js';
import {
  classButtons,
  featureRows,
  itemView,
  type LeasedTask,
  queuePageView,
  reasonView,
  scoreBars,
} from './labeling-page.view.js';

const NOW = Date.UTC(2026, 10, 26, 12);
const MODEL = { name: 'shop', classes: ['purchase', 'click', 'ignore'], featureSchema: null };
const labeler: Principal = { tokenId: 't1', name: 'lena', role: 'labeler', via: 'session' };
const admin: Principal = { ...labeler, role: 'admin' };

function aTask(overrides: Partial<LeasedTask> = {}): LeasedTask {
  return {
    taskId: 'task 1',
    batchId: 'b1',
    model: 'shop',
    predictionId: 'p1',
    reason: 'least_confidence',
    score: 0.54,
    leaseExpiresAt: new Date(NOW + 9.6 * 60_000).toISOString(),
    prediction: {
      id: 'p1',
      model: 'shop',
      modelVersion: 'v2',
      timestamp: '2026-11-26T10:05:09.000Z',
      features: { price: 19.9, title: 'Blue shoes' },
      prediction: 'click',
      scores: { purchase: 0.2, click: 0.46, ignore: 0.34 },
      slices: { country: 'de' },
      itemId: null,
      exposure: null,
      traceId: null,
      uncertainty: { leastConfidence: 0.54, margin: 0.12, entropy: 1.05 },
      receivedAt: '2026-11-26T10:05:10.000Z',
    },
    ...overrides,
  } as LeasedTask;
}

describe('classButtons', () => {
  it('keeps the model order and gives the first nine classes keys 1-9', () => {
    const buttons = classButtons(Array.from({ length: 11 }, (_, i) => `c${i}`));
    expect(buttons.map((b) => b.key)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', null, null]);
    expect(buttons.map((b) => b.name)).toEqual(Array.from({ length: 11 }, (_, i) => `c${i}`));
  });
});

describe('featureRows', () => {
  it('lists schema features in schema order, then the others as they came', () => {
    const rows = featureRows(
      { zeta: 1, title: 'x', extra: 'y', price: 2 },
      { price: { type: 'number' }, title: { type: 'text' }, absent: { type: 'text' } },
    );
    expect(rows.map((r) => r.name)).toEqual(['price', 'title', 'zeta', 'extra']);
  });

  it('shows nulls as missing, booleans as yes/no, and numbers as sent', () => {
    expect(featureRows({ a: null, b: true, c: false, d: 0.1 + 0.2 }, null)).toEqual([
      { name: 'a', value: 'missing', kind: 'missing', long: false },
      { name: 'b', value: 'yes', kind: 'boolean', long: false },
      { name: 'c', value: 'no', kind: 'boolean', long: false },
      { name: 'd', value: '0.30000000000000004', kind: 'number', long: false },
    ]);
  });

  it('gives long or multi-line text a row of its own, whole', () => {
    const long = 'word '.repeat(200);
    const [a, b, c] = featureRows({ a: long, b: 'two\nlines', c: 'short' }, null);
    expect(a).toEqual({ name: 'a', value: long, kind: 'text', long: true });
    expect(b.long).toBe(true);
    expect(c.long).toBe(false);
  });
});

describe('scoreBars', () => {
  it('sorts the scores high to low with one-decimal percentages and marks the predicted class', () => {
    expect(scoreBars({ purchase: 0.2, click: 0.4567, ignore: 0.3433 }, MODEL.classes, 'click')).toEqual([
      { cls: 'click', share: '45.7%', width: 45.7, predicted: true },
      { cls: 'ignore', share: '34.3%', width: 34.3, predicted: false },
      { cls: 'purchase', share: '20.0%', width: 20, predicted: false },
    ]);
  });

  it('shows classes left out of the scores as 0% and breaks ties in the model class order', () => {
    const bars = scoreBars({ ignore: 0.5, click: 0.5 }, MODEL.classes, 'click');
    expect(bars.map((b) => [b.cls, b.share])).toEqual([
      ['click', '50.0%'],
      ['ignore', '50.0%'],
      ['purchase', '0.0%'],
    ]);
  });
});

describe('reasonView', () => {
  it.each([
    ['least_confidence', 0.5432, 'Least confidence', '1 − p(top) = 0.543: one of the most uncertain predictions of “click”.'],
    ['margin', 0.02, 'Smallest margin', 'p(top) − p(second) = 0.020: one of the most uncertain predictions of “click”.'],
    ['entropy', 1.0986, 'Highest entropy', 'Entropy 1.099 nats: one of the most uncertain predictions of “click”.'],
    ['random', null, 'Random pick', 'Picked at random from the unlabeled predictions.'],
    ['audit', null, 'Audit sample', 'Picked at random to measure accuracy without bias.'],
  ] as const)('explains %s', (reason, score, title, detail) => {
    expect(reasonView(reason, score, 'click')).toEqual({ title, detail, audit: reason === 'audit' });
  });
});

describe('itemView', () => {
  it('posts to the task, counts the minutes left on the lease and formats the prediction time', () => {
    const item = itemView(MODEL, aTask(), NOW);
    expect(item.action).toBe('/labeling/shop/tasks/task%201');
    expect(item.leaseMinutes).toBe(10);
    expect(item.meta).toEqual({ id: 'p1', version: 'v2', time: '2026-11-26 10:05 UTC' });
    expect(item.slices).toEqual([{ key: 'country', value: 'de' }]);
  });
});

describe('queuePageView', () => {
  const openBatch = { status: 'open' } as BatchDto;
  const doneBatch = { status: 'complete' } as BatchDto;
  const input = { model: MODEL, principal: labeler, query: {}, task: null, batch: null, batches: [], now: NOW };

  it('has the item and no empty state when a task is leased', () => {
    const view = queuePageView({ ...input, task: aTask() });
    expect(view.item?.taskId).toBe('task 1');
    expect(view.empty).toBeNull();
    expect(view.scripts).toEqual(['labeling.js']);
  });

  it('tells apart no batch at all, finished batches, and open batches held by others', () => {
    expect(queuePageView(input).empty).toMatchObject({ hasBatches: false, hasOpenBatch: false, isAdmin: false });
    expect(queuePageView({ ...input, batches: [doneBatch] }).empty).toMatchObject({ hasBatches: true, hasOpenBatch: false });
    expect(queuePageView({ ...input, batches: [doneBatch, openBatch] }).empty).toMatchObject({ hasOpenBatch: true });
  });

  it('offers an admin the balanced-batch form, least confidence selected', () => {
    const empty = queuePageView({ ...input, principal: admin }).empty!;
    expect(empty.isAdmin).toBe(true);
    expect(empty.createAction).toBe('/labeling/shop/batches');
    expect(empty.strategies.filter((s) => s.selected).map((s) => s.value)).toEqual(['least_confidence']);
  });

  it('keeps the batch scope for the forms and lays out many classes in two columns', () => {
    const many = { ...MODEL, classes: Array.from({ length: 7 }, (_, i) => `c${i}`) };
    const view = queuePageView({ ...input, model: many, query: { batch: 'b1' } });
    expect(view.batch).toBe('b1');
    expect(view.manyClasses).toBe(true);
    expect(queuePageView(input).manyClasses).toBe(false);
  });
});
