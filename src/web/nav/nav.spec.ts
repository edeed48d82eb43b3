import { describe, expect, it } from 'vitest';
import { type ModelPageRoute, modelLinks, navView } from './nav.js';

const PAGES: ModelPageRoute[] = [
  { path: '/models/:model/exports', label: 'Exports', order: 70, roles: ['admin'] },
  { path: '/models/:model/slices', label: 'Slices', order: 10, roles: ['labeler'] },
  { path: '/labeling/:model', label: 'Labeling', order: 30, roles: ['labeler'] },
];

describe('modelLinks', () => {
  it.each([
    ['labeler', ['Slices', 'Labeling']],
    ['admin', ['Slices', 'Labeling', 'Exports']],
    ['ingest', []],
  ] as const)('gives a %s the pages its role may open, in order', (role, labels) => {
    expect(modelLinks(PAGES, role, 'shop').map((l) => l.label)).toEqual(labels);
  });

  it('encodes the model into each link and marks the current page and its sub-pages', () => {
    const links = modelLinks(PAGES, 'admin', 'a b/c', '/models/a%20b%2Fc/slices/x');
    expect(links.map((l) => [l.href, l.current])).toEqual([
      ['/models/a%20b%2Fc/slices', true],
      ['/labeling/a%20b%2Fc', false],
      ['/models/a%20b%2Fc/exports', false],
    ]);
  });
});

describe('navView', () => {
  it('has no model section off a model page, or for ingest tokens', () => {
    expect(navView(PAGES, 'admin', null, '/')).toEqual({ model: null });
    expect(navView(PAGES, 'ingest', 'shop', '/models/shop/slices')).toEqual({ model: null });
  });

  it('keeps the model in context on its pages, linking back to its row at home', () => {
    const view = navView(PAGES, 'labeler', 'shop', '/labeling/shop');
    expect(view.model?.name).toBe('shop');
    expect(view.model?.href).toBe('/#model-shop');
    expect(view.model?.links.filter((l) => l.current).map((l) => l.label)).toEqual(['Labeling']);
  });
});
