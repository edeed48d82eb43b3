import { describe, expect, it } from 'vitest';
import { checkFunctionName, keywordMatcher, parseFunction, voterOf } from './functions.js';

const model = {
  classes: ['ham', 'spam'],
  featureSchema: {
    subject: { type: 'text' as const },
    links: { type: 'number' as const },
    lang: { type: 'category' as const, values: ['en', 'de'] },
  },
};

function voter(body: Record<string, unknown>) {
  const parsed = parseFunction(body, model);
  if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
  return voterOf(parsed.definition)!;
}

describe('keywordMatcher', () => {
  it.each([
    ['you win!', true],
    ['winner', false],
    ['twin', false],
    ['win-win', true],
    ['free money now', true],
    ['free moneyman', false],
    ['100% free money!', true],
    ['100% free', false],
    ['ÜBERwin', false],
  ])('finds "win" or "free money" in %j: %s', (text, expected) => {
    expect(keywordMatcher(['win', 'free money'])(text.toLowerCase())).toBe(expected);
  });
});

describe('parseFunction and voterOf', () => {
  it('keyword functions case-fold and respect word boundaries', () => {
    const v = voter({ kind: 'keyword', feature: 'subject', label: 'spam', keywords: ['Free'] });
    expect(v.vote({ subject: 'FREE stuff' }, {})).toBe('spam');
    expect(v.vote({ subject: 'freedom' }, {})).toBeNull();
    expect(v.vote({ subject: 42 }, {})).toBeNull();
  });

  it('range, category and score functions vote inside their bounds only', () => {
    const range = voter({ kind: 'range', feature: 'links', label: 'spam', min: 5, max: 10 });
    expect([4, 5, 10, 11].map((links) => range.vote({ links }, {}))).toEqual([null, 'spam', 'spam', null]);
    const category = voter({ kind: 'category', feature: 'lang', label: 'ham', values: ['de'] });
    expect([category.vote({ lang: 'de' }, {}), category.vote({ lang: 'en' }, {})]).toEqual(['ham', null]);
    const score = voter({ kind: 'score', class: 'ham', min: 0.9, label: 'ham' });
    expect([score.vote({}, { ham: 0.95 }), score.vote({}, { ham: 0.5 }), score.vote({}, {})]).toEqual(['ham', null, null]);
  });

  it('regex functions use the linear-time engine, case-folded', () => {
    const v = voter({ kind: 'regex', feature: 'subject', label: 'ham', pattern: '^re:' });
    expect(v.vote({ subject: 'RE: lunch' }, {})).toBe('ham');
    expect(v.vote({ subject: 'about re: lunch' }, {})).toBeNull();
  });

  it('external functions have no voter and may omit their label', () => {
    const parsed = parseFunction({ kind: 'external' }, model);
    expect(parsed).toEqual({ definition: { kind: 'external', label: null }, enabled: true });
  });

  it.each([
    [{ kind: 'nope' }, 'kind'],
    [{ kind: 'keyword', feature: 'subject', label: 'spam', keywords: [] }, 'keywords'],
    [{ kind: 'keyword', feature: 'subject', label: 'spam', keywords: ['  '] }, 'keywords'],
    [{ kind: 'keyword', feature: 'links', label: 'spam', keywords: ['x'] }, 'feature'],
    [{ kind: 'score', class: 'junk', min: 0.5, label: 'spam' }, 'class'],
    [{ kind: 'score', class: 'ham', min: 2, label: 'spam' }, 'min'],
    [{ kind: 'range', feature: 'links', label: 'spam', min: 5, max: 1 }, 'min'],
    [{ kind: 'external', label: 'spam', enabled: 'yes' }, 'enabled'],
  ])('rejects %j at %s', (body, field) => {
    const parsed = parseFunction(body, model);
    expect('problems' in parsed && parsed.problems.map((p) => p.field)).toContain(field);
  });

  it('checks names', () => {
    expect(checkFunctionName('money_words.v2')).toEqual([]);
    expect(checkFunctionName('has space')).toHaveLength(1);
    expect(checkFunctionName('')).toHaveLength(1);
  });
});
