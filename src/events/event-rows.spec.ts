import { describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../common/api-error.js';
import { rowsOf, validateEvent } from './event-rows.js';

const now = Date.parse('2026-06-01T12:00:00Z');
const ctx = { models: new Set(['shop']), now };
const anEvent = (o: Record<string, unknown> = {}) => ({
  id: 'e1',
  model: 'shop',
  predictionId: 'p1',
  type: 'click',
  timestamp: '2026-06-01T11:59:00Z',
  ...o,
});

function validate(o: Record<string, unknown>) {
  const errors: ErrorDetail[] = [];
  return { row: validateEvent(anEvent(o), 0, ctx, errors), errors };
}

describe('validateEvent', () => {
  it('accepts a valid event', () => {
    const { row, errors } = validate({ value: 42.5, attributes: { page: 'home', n: 1 } });
    expect(errors).toEqual([]);
    expect(row).toMatchObject({
      id: 'e1',
      predictionId: 'p1',
      type: 'click',
      ts: Date.parse('2026-06-01T11:59:00Z'),
      value: 42.5,
      attributesJson: '{"n":1,"page":"home"}',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing id', { id: undefined }, 'id'],
    ['unknown model', { model: 'x' }, 'model'],
    ['missing predictionId', { predictionId: undefined }, 'predictionId'],
    ['a type with spaces', { type: 'add to cart' }, 'type'],
    ['a future timestamp', { timestamp: '2026-06-01T12:10:00Z' }, 'timestamp'],
    ['a string value', { value: '3' }, 'value'],
    ['an infinite value', { value: Infinity }, 'value'],
    ['nested attributes', { attributes: { a: { b: 1 } } }, 'attributes.a'],
    ['an unknown field', { label: 'click' }, 'label'],
  ])('rejects %s', (_, o, field) => {
    const { row, errors } = validate(o);
    expect(row).toBeNull();
    expect(errors).toContainEqual(expect.objectContaining({ index: 0, field }));
  });

  it('hashes content so a re-send matches and a change does not', () => {
    expect(validate({}).row!.contentHash).toBe(validate({}).row!.contentHash);
    expect(validate({ value: 1 }).row!.contentHash).not.toBe(validate({}).row!.contentHash);
  });

  it('reads a batch under "events"', () => {
    expect(rowsOf({ events: [anEvent(), anEvent()] }).rows).toHaveLength(2);
    expect(rowsOf({ events: [] }).problem).toBeDefined();
  });
});
