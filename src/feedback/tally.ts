/** Labeled predictions counted by exposure policy, effective label source, agreement and propensity. */
export interface CompositionRow {
  policy: string | null;
  source: string;
  /** The effective label equals the model's prediction. */
  agrees: boolean;
  missingPropensity: boolean;
  n: number;
}

export interface Counts {
  n: number;
  correct: number;
}

/** What the label-based checks read, summed once from the composition rows. */
export interface Tally {
  labeled: number;
  /** Labeled predictions whose exposure policy was logged at all. */
  withPolicy: number;
  explore: number;
  /** Direct or implicit labels on model-policy exposures, and how many agree with the prediction. */
  modelDriven: Counts;
  /** Audit labels and labels on explore exposures: chosen independently of the model. */
  reference: Counts;
  /** Implicit labels, and how many equal the prediction. */
  implicit: Counts;
  /** Labeled model-policy rows, and how many have no propensity (correct counts the missing ones). */
  modelPolicy: Counts;
}

export function tally(rows: readonly CompositionRow[]): Tally {
  const t: Tally = {
    labeled: 0,
    withPolicy: 0,
    explore: 0,
    modelDriven: { n: 0, correct: 0 },
    reference: { n: 0, correct: 0 },
    implicit: { n: 0, correct: 0 },
    modelPolicy: { n: 0, correct: 0 },
  };
  const add = (c: Counts, n: number, hit: boolean) => {
    c.n += n;
    if (hit) c.correct += n;
  };
  for (const r of rows) {
    t.labeled += r.n;
    if (r.policy !== null) t.withPolicy += r.n;
    if (r.policy === 'explore') t.explore += r.n;
    if (r.policy === 'model') add(t.modelPolicy, r.n, r.missingPropensity);
    if (r.policy === 'model' && (r.source === 'direct' || r.source === 'implicit')) add(t.modelDriven, r.n, r.agrees);
    if (r.policy === 'explore' || r.source === 'audit') add(t.reference, r.n, r.agrees);
    if (r.source === 'implicit') add(t.implicit, r.n, r.agrees);
  }
  return t;
}
