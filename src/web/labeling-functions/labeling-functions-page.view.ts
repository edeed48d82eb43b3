import type { toFunctionListDto } from '../../weak/weak.dto.js';

type FunctionList = ReturnType<typeof toFunctionListDto>;

const pct = (v: number | null | undefined) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '–');

/** What a function does, in one line a person can read. */
export function describeFunction(kind: string, parameters: Record<string, unknown>): string {
  switch (kind) {
    case 'keyword':
      return `${String(parameters.feature)} contains ${(parameters.keywords as string[]).map((k) => `"${k}"`).join(' or ')}`;
    case 'regex':
      return `${String(parameters.feature)} matches /${String(parameters.pattern)}/i`;
    case 'range': {
      const { feature, min, max } = parameters as { feature: string; min: number | null; max: number | null };
      if (min !== null && max !== null) return `${min} ≤ ${feature} ≤ ${max}`;
      return min !== null ? `${feature} ≥ ${min}` : `${feature} ≤ ${String(max)}`;
    }
    case 'category':
      return `${String(parameters.feature)} is ${(parameters.values as string[]).join(' or ')}`;
    case 'score':
      return `score of ${String(parameters.class)} ≥ ${String(parameters.min)}`;
    default:
      return 'votes sent by POST lf-votes';
  }
}

/** The labeling-functions page's view model: every function with its figures, and the label model. */
export function buildLabelingFunctionsPage(input: {
  model: string;
  list: FunctionList;
  canEdit: boolean;
  changed: string | null;
}) {
  const { list } = input;
  const lm = list.labelModel as
    | ({ fittedAt: string; method?: string; covered?: number; labelled?: number; predictions?: number } & Record<string, unknown>)
    | null;
  const score = (s: unknown) => {
    const h = (s as { human?: { n: number; accuracy: number | null; ci: [number, number] } } | null)?.human;
    return h && h.n > 0 ? `${pct(h.accuracy)} (${pct(h.ci[0])}–${pct(h.ci[1])}, n = ${h.n})` : 'no human labels yet';
  };
  return {
    title: `${input.model} · labeling functions`,
    styles: ['exports.css'],
    model: input.model,
    canEdit: input.canEdit,
    changed: input.changed,
    empty: list.functions.length === 0,
    functions: list.functions.map((f) => ({
      name: f.name,
      kind: f.kind,
      label: f.label ?? 'own votes',
      enabled: f.enabled,
      what: describeFunction(f.kind, f.parameters),
      votes: f.votes ?? '–',
      coverage: pct(f.coverage),
      overlap: pct(f.overlap),
      conflict: pct(f.conflict),
      polarity: f.polarity ? f.polarity.join(', ') || '–' : '–',
      accuracy: f.n > 0 ? pct(f.accuracy) : '–',
      ci: f.n > 0 && f.ci ? `${pct(f.ci[0])}–${pct(f.ci[1])}` : '',
      n: f.n,
      estimated: pct(f.estimatedAccuracy),
      fitted: f.coverage !== null,
    })),
    labelModel: lm
      ? {
          method: lm.method === 'dawid_skene' ? 'Dawid-Skene' : 'majority vote',
          fittedAt: lm.fittedAt.replace('T', ' ').slice(0, 19) + 'Z',
          labelled: lm.labelled ?? 0,
          predictions: lm.predictions ?? 0,
          majority: score(lm.majority),
          dawidSkene: lm.dawidSkene ? score(lm.dawidSkene) : 'not fitted (needs 3 functions)',
        }
      : null,
  };
}
