import { describe, expect, it } from 'vitest';
import { buildLabelingFunctionsPage, describeFunction } from './labeling-functions-page.view.js';

describe('describeFunction', () => {
  it.each([
    ['keyword', { feature: 'subject', keywords: ['free', 'win'] }, 'subject contains "free" or "win"'],
    ['regex', { feature: 'subject', pattern: '^re:' }, 'subject matches /^re:/i'],
    ['range', { feature: 'links', min: 5, max: null }, 'links ≥ 5'],
    ['range', { feature: 'links', min: null, max: 2 }, 'links ≤ 2'],
    ['range', { feature: 'links', min: 1, max: 2 }, '1 ≤ links ≤ 2'],
    ['category', { feature: 'lang', values: ['de'] }, 'lang is de'],
    ['score', { class: 'ham', min: 0.9 }, 'score of ham ≥ 0.9'],
    ['external', {}, 'votes sent by POST lf-votes'],
  ])('%s %j reads "%s"', (kind, parameters, text) => {
    expect(describeFunction(kind, parameters)).toBe(text);
  });
});

describe('buildLabelingFunctionsPage', () => {
  const fn = {
    name: 'free_words',
    kind: 'keyword',
    label: 'spam',
    enabled: true,
    parameters: { feature: 'subject', keywords: ['free'] },
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    votes: 40,
    coverage: 0.4,
    overlap: 0.1,
    conflict: 0.05,
    polarity: ['spam'],
    accuracy: 0.9,
    ci: [0.8, 0.95] as [number, number],
    n: 20,
    audit: null,
    perClass: null,
    estimatedAccuracy: 0.88,
  };

  it('formats figures as percentages, with the interval only when people labelled some of its votes', () => {
    const page = buildLabelingFunctionsPage({
      model: 'mail',
      list: {
        functions: [fn, { ...fn, name: 'unseen', n: 0, coverage: null, accuracy: null, ci: null }],
        labelModel: null,
        lastApply: null,
      },
      canEdit: false,
      changed: null,
    });
    expect(page.functions[0]).toMatchObject({
      coverage: '40.0%',
      accuracy: '90.0%',
      ci: '80.0%–95.0%',
      estimated: '88.0%',
      votes: 40,
    });
    expect(page.functions[1]).toMatchObject({ coverage: '–', accuracy: '–', ci: '', fitted: false });
    expect(page.labelModel).toBeNull();
    expect(page.canEdit).toBe(false);
  });

  it('names the chosen label model and how each agrees with people', () => {
    const page = buildLabelingFunctionsPage({
      model: 'mail',
      list: {
        functions: [],
        labelModel: {
          fittedAt: '2026-01-01T10:00:00.000Z',
          method: 'dawid_skene',
          labelled: 7,
          predictions: 10,
          majority: { human: { n: 4, accuracy: 0.75, ci: [0.3, 0.95] } },
          dawidSkene: { human: { n: 4, accuracy: 1, ci: [0.5, 1] } },
        },
        lastApply: null,
      },
      canEdit: true,
      changed: 'x',
    });
    expect(page.labelModel).toEqual({
      method: 'Dawid-Skene',
      fittedAt: '2026-01-01 10:00:00Z',
      labelled: 7,
      predictions: 10,
      majority: '75.0% (30.0%–95.0%, n = 4)',
      dawidSkene: '100.0% (50.0%–100.0%, n = 4)',
    });
    expect(page.empty).toBe(true);
  });
});
