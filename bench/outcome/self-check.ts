import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Truth } from './corpus.js';
import { NaiveBayes } from './naive-bayes.js';

interface Reference {
  train: { subject: string; body: string; label: Truth; weight: number }[];
  test: { subject: string; body: string; pSpam: number }[];
}

/**
 * The filter must agree with scikit-learn's MultinomialNB on the checked-in reference
 * (naive-bayes-reference.py made it), weights included: else every figure of the benchmark is suspect.
 */
export function checkNaiveBayes(root: string): void {
  const ref = JSON.parse(readFileSync(join(root, 'bench/outcome/naive-bayes.reference.json'), 'utf8')) as Reference;
  const model = new NaiveBayes(ref.train);
  for (const t of ref.test) {
    const p = model.spamProbability(t.subject, t.body);
    if (!(Math.abs(p - t.pSpam) < 1e-9))
      throw new Error(`naive Bayes self-check: P(spam | "${t.subject} ${t.body}") is ${p}, scikit-learn says ${t.pSpam}`);
  }
}
