import { describe, expect, it } from 'vitest';
import { ApiError, badRequest, conflict, notFound } from '../../common/api-error.js';
import { noticeForError, noticeView, parsePageQuery, queueHref } from './labeling-page-notices.js';

const BATCH = '0b9f3c4e-1d2a-4c5b-9e8f-7a6b5c4d3e2f';

describe('parsePageQuery', () => {
  it('keeps a batch id, a known notice, a label and a count', () => {
    expect(parsePageQuery({ batch: BATCH, notice: 'saved', label: 'click', n: '12' })).toEqual({
      batch: BATCH,
      notice: 'saved',
      label: 'click',
      n: 12,
    });
  });

  it.each([
    ['a batch that is not a UUID', { batch: "x' OR 1=1" }],
    ['an unknown notice', { notice: '<script>' }],
    ['a repeated parameter (an array)', { batch: [BATCH, BATCH], notice: ['saved'] }],
    ['a negative or fractional count', { n: '-1' }],
    ['a count that is not a number', { n: '1e400x' }],
    ['a label longer than a class can be', { label: 'x'.repeat(201) }],
    ['parameters it does not know', { utm_source: 'mail' }],
  ])('drops %s instead of failing', (_, query) => {
    expect(parsePageQuery(query)).toEqual({});
  });
});

describe('queueHref', () => {
  it('is the bare queue page without parameters', () => {
    expect(queueHref('shop')).toBe('/labeling/shop');
  });

  it('encodes the model name and every parameter', () => {
    expect(queueHref('a/b?c', { batch: BATCH, notice: 'saved', label: 'a&b=<c>', n: 3 })).toBe(
      `/labeling/a%2Fb%3Fc?batch=${BATCH}&notice=saved&label=a%26b%3D%3Cc%3E&n=3`,
    );
  });
});

describe('noticeForError', () => {
  it.each([
    [conflict('lease_not_held'), 'lease_lost'],
    [conflict('not_your_task'), 'lease_lost'],
    [conflict('task_already_finished', { status: 'done' }), 'already_finished'],
    [conflict('task_changed'), 'conflict'],
    [notFound('nothing_to_undo'), 'nothing_to_undo'],
    [notFound('task_not_found'), 'task_gone'],
  ])('explains %s as %s', (error, notice) => {
    expect(noticeForError(error)).toBe(notice);
  });

  it.each([
    ['an unknown model', notFound('model_not_found')],
    ['a bad request', badRequest('invalid_label')],
    ['a forbidden call', new ApiError(403, 'role_not_allowed')],
    ['a programming error', new TypeError('x is undefined')],
  ])('leaves %s an error', (_, error) => {
    expect(noticeForError(error)).toBeNull();
  });
});

describe('noticeView', () => {
  it('names the saved label only when it is one of the classes', () => {
    expect(noticeView({ notice: 'saved', label: 'click' }, ['click', 'ignore'])?.text).toBe('Saved as “click”. Press u to undo.');
    expect(noticeView({ notice: 'saved', label: 'you won a prize' }, ['click'])?.text).toBe('Saved. Press u to undo.');
  });

  it('warns when an answer was not saved because the lease went to someone else', () => {
    expect(noticeView({ notice: 'lease_lost' }, [])).toEqual({
      tone: 'warn',
      text: expect.stringMatching(/^Your answer was not saved/),
    });
  });

  it('counts the items of a new batch', () => {
    expect(noticeView({ notice: 'batch_created', n: 200 }, [])?.text).toBe('Batch created with 200 items.');
  });

  it('says nothing without a notice', () => {
    expect(noticeView({ label: 'click' }, ['click'])).toBeNull();
  });
});
