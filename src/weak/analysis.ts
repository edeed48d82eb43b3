import { type Interval, wilson } from '../slices/wilson.js';
import { argmax, type DawidSkeneFit, majorityPosterior, type PatternTable, type Posterior, posteriorOf } from './label-model.js';

export interface Agreement {
  n: number;
  correct: number;
  accuracy: number | null;
  ci: Interval;
}

export interface FunctionFigures {
  votes: number;
  /** Shares of all the model's predictions, as in Snorkel's LFAnalysis. */
  coverage: number;
  overlap: number;
  conflict: number;
  /** The classes it voted for. */
  polarity: string[];
  /** Against human labels (manual and audit), and against audit labels alone (the unbiased sample). */
  human: Agreement;
  audit: Agreement;
  perClass: Record<string, Agreement>;
}

export class Tally {
  n = 0;
  correct = 0;
  add(count: number, right: boolean): void {
    this.n += count;
    if (right) this.correct += count;
  }
  get figures(): Agreement {
    return {
      n: this.n,
      correct: this.correct,
      accuracy: this.n === 0 ? null : this.correct / this.n,
      ci: wilson(this.correct, this.n),
    };
  }
}

/** Coverage, overlap, conflict, polarity and agreement with people, for every function, from one pattern table. */
export function functionFigures(table: PatternTable, totalPredictions: number, classes: readonly string[]): FunctionFigures[] {
  const m = table.functions;
  const acc = Array.from({ length: m }, () => ({
    votes: 0,
    overlap: 0,
    conflict: 0,
    polarity: new Set<number>(),
    human: new Tally(),
    audit: new Tally(),
    perClass: classes.map(() => new Tally()),
  }));
  for (const p of table.patterns.values()) {
    const voters: number[] = [];
    for (let j = 0; j < m; j++) if (p.outcomes[j] !== 0) voters.push(j);
    for (const j of voters) {
      const a = acc[j];
      const o = p.outcomes[j];
      a.votes += p.count;
      a.polarity.add(o - 1);
      if (voters.length > 1) a.overlap += p.count;
      if (voters.some((other) => p.outcomes[other] !== o)) a.conflict += p.count;
      if (p.human >= 0) {
        a.human.add(p.count, o - 1 === p.human);
        a.perClass[o - 1].add(p.count, o - 1 === p.human);
        if (p.audit) a.audit.add(p.count, o - 1 === p.human);
      }
    }
  }
  const share = (x: number) => (totalPredictions === 0 ? 0 : x / totalPredictions);
  return acc.map((a) => ({
    votes: a.votes,
    coverage: share(a.votes),
    overlap: share(a.overlap),
    conflict: share(a.conflict),
    polarity: [...a.polarity].sort((x, y) => x - y).map((c) => classes[c]),
    human: a.human.figures,
    audit: a.audit.figures,
    perClass: Object.fromEntries(
      classes.flatMap((name, c) => (a.perClass[c].n > 0 ? [[name, a.perClass[c].figures] as const] : [])),
    ),
  }));
}

export type LabelModelMethod = 'majority' | 'dawid_skene';

export type Posteriors = (outcomes: Uint8Array) => Posterior | null;

export function posteriorsOf(method: LabelModelMethod, fit: DawidSkeneFit | null, classes: number): Posteriors {
  if (method === 'majority' || fit === null) return (o) => majorityPosterior(o, classes);
  return (o) => (o.some((x) => x !== 0) ? posteriorOf(o, fit.priors, fit.confusion).posterior : null);
}

export interface ModelScore {
  method: LabelModelMethod;
  /** Predictions it labels (ties are left unlabelled). */
  labelled: number;
  human: Agreement;
  audit: Agreement;
}

/** How a label model's labels agree with the human labels of the same predictions. */
export function scoreModel(table: PatternTable, method: LabelModelMethod, posteriors: Posteriors): ModelScore {
  const human = new Tally();
  const audit = new Tally();
  let labelled = 0;
  for (const p of table.patterns.values()) {
    const post = posteriors(p.outcomes);
    const label = post ? argmax(post) : -1;
    if (label < 0) continue;
    labelled += p.count;
    if (p.human < 0) continue;
    human.add(p.count, label === p.human);
    if (p.audit) audit.add(p.count, label === p.human);
  }
  return { method, labelled, human: human.figures, audit: audit.figures };
}

/**
 * The generative model must earn its place: it is chosen only when it agrees with people more often
 * than majority vote on the same predictions (every human label is held out, since neither model
 * trains on them). Without human labels, majority vote: it has nothing to get wrong by fitting.
 */
export function chooseMethod(majority: ModelScore, dawidSkene: ModelScore | null): LabelModelMethod {
  if (!dawidSkene || dawidSkene.human.n === 0 || majority.human.n === 0) return 'majority';
  const rate = (s: ModelScore) => s.human.correct / s.human.n;
  return rate(dawidSkene) > rate(majority) ? 'dawid_skene' : 'majority';
}
