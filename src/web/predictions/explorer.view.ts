import type { PredictionPage } from '../../predictions/prediction-search.service.js';
import { encodeCursor, type ExplorerQueryDto, SOURCE_CHOICES } from './predictions-page.dto.js';

export interface ExplorerInput {
  model: { name: string; classes: string[]; sliceKeys: string[] };
  versions: string[];
  query: ExplorerQueryDto;
  page: PredictionPage;
  /** The id searched for with ?q= that matched nothing. */
  missing: string | null;
}

const option = (value: string, selected: string | undefined, label = value) => ({ value, label, selected: value === selected });

/** /models/:model/predictions: the filter form as sent, the page of predictions and the next page's link. */
export function explorerView(input: ExplorerInput) {
  const { model, query } = input;
  const base = `/models/${encodeURIComponent(model.name)}/predictions`;
  const sliceValues = new Map((query.sliceKey ?? []).map((k, i) => [k, query.sliceValue?.[i] ?? '']));
  return {
    title: `Predictions · ${model.name}`,
    styles: ['pages.css'],
    model: model.name,
    action: base,
    form: {
      q: query.q ?? '',
      classes: [option('', query.predicted, 'any'), ...model.classes.map((c) => option(c, query.predicted))],
      labels: [option('', query.label, 'any'), ...model.classes.map((c) => option(c, query.label))],
      sources: [
        option('', query.source, 'any'),
        ...SOURCE_CHOICES.map((s) => option(s, query.source, s === 'none' ? 'no label' : s)),
      ],
      disagree: query.disagree === 'on',
      from: query.from ?? '',
      to: query.to ?? '',
      version: query.version ?? '',
      versions: input.versions,
      slices: model.sliceKeys.map((key) => ({ key, value: sliceValues.get(key) ?? '' })),
    },
    missing: input.missing,
    rows: input.page.rows.map((r) => ({
      id: r.id,
      href: `${base}/${encodeURIComponent(r.id)}`,
      ts: r.ts,
      modelVersion: r.modelVersion,
      prediction: r.prediction,
      slices: Object.entries(r.slices).map(([key, value]) => ({ key, value })),
      leastConfidence: r.leastConfidence,
      label: r.effectiveLabel,
      source: r.effectiveSource,
      disagrees: r.effectiveLabel !== null && r.effectiveLabel !== r.prediction,
    })),
    nextHref: input.page.next ? `${base}?${pageQuery(query, encodeCursor(input.page.next))}` : null,
    firstHref: query.after ? `${base}?${pageQuery(query, null)}` : null,
  };
}

/** The query string of the same filters on another page. */
export function pageQuery(query: ExplorerQueryDto, after: string | null): string {
  const params = new URLSearchParams();
  for (const field of ['predicted', 'label', 'source', 'disagree', 'from', 'to', 'version'] as const) {
    const value = query[field];
    if (value) params.append(field, value);
  }
  (query.sliceKey ?? []).forEach((key, i) => {
    const value = query.sliceValue?.[i] ?? '';
    if (value === '') return;
    params.append('sliceKey', key);
    params.append('sliceValue', value);
  });
  if (after) params.append('after', after);
  return params.toString();
}
