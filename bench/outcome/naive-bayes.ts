import type { Truth } from './corpus.js';

/** One training example: text, label and a weight (1 unless the export says otherwise). */
export interface Example {
  subject: string;
  body: string;
  label: Truth;
  weight: number;
}

const TOKEN = /[a-z0-9$!][a-z0-9$!'_-]{1,30}/g;

/** Word tokens of the body, and subject words marked apart: a subject word says more than a body word. */
export function tokens(subject: string, body: string): string[] {
  const out: string[] = [];
  for (const t of subject.toLowerCase().match(TOKEN) ?? []) out.push(`s:${t}`);
  for (const t of body.toLowerCase().match(TOKEN) ?? []) out.push(t);
  return out;
}

/**
 * Multinomial naive Bayes with Laplace smoothing (alpha 1) and sample weights, as scikit-learn's
 * MultinomialNB computes it: weighted token counts per class, weighted class priors.
 */
export class NaiveBayes {
  private readonly logPrior: Record<Truth, number>;
  private readonly logLikelihood: Record<Truth, Map<string, number>>;
  private readonly logUnseen: Record<Truth, number>;

  constructor(examples: Example[], alpha = 1) {
    const counts: Record<Truth, Map<string, number>> = { spam: new Map(), ham: new Map() };
    const totals = { spam: 0, ham: 0 };
    const classWeight = { spam: 0, ham: 0 };
    const vocabulary = new Set<string>();
    for (const e of examples) {
      classWeight[e.label] += e.weight;
      const map = counts[e.label];
      for (const t of tokens(e.subject, e.body)) {
        // Rows of weight 0 still widen the vocabulary, as columns of scikit-learn's count matrix.
        vocabulary.add(t);
        if (e.weight === 0) continue;
        map.set(t, (map.get(t) ?? 0) + e.weight);
        totals[e.label] += e.weight;
      }
    }
    const all = classWeight.spam + classWeight.ham;
    const v = vocabulary.size;
    this.logPrior = { spam: Math.log(classWeight.spam / all), ham: Math.log(classWeight.ham / all) };
    this.logUnseen = { spam: 0, ham: 0 };
    this.logLikelihood = { spam: new Map(), ham: new Map() };
    for (const c of ['spam', 'ham'] as const) {
      const denominator = Math.log(totals[c] + alpha * v);
      this.logUnseen[c] = Math.log(alpha) - denominator;
      for (const t of vocabulary) this.logLikelihood[c].set(t, Math.log((counts[c].get(t) ?? 0) + alpha) - denominator);
    }
  }

  /** P(spam) for a mail; tokens never seen in training are ignored, as in scikit-learn. */
  spamProbability(subject: string, body: string): number {
    let spam = this.logPrior.spam;
    let ham = this.logPrior.ham;
    for (const t of tokens(subject, body)) {
      const s = this.logLikelihood.spam.get(t);
      if (s === undefined) continue;
      spam += s;
      ham += this.logLikelihood.ham.get(t)!;
    }
    const d = ham - spam;
    return d > 700 ? 0 : 1 / (1 + Math.exp(d));
  }

  predict(subject: string, body: string): Truth {
    return this.spamProbability(subject, body) >= 0.5 ? 'spam' : 'ham';
  }
}
