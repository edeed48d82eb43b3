import { GROUPS, type Group, type Mail, type Truth } from './corpus.js';
import type { ExportedRow } from './export-reader.js';
import { type Example, NaiveBayes } from './naive-bayes.js';

export interface Score {
  overall: number;
  byGroup: Record<Group, number>;
}

export function example(m: Mail, label: Truth = m.truth, weight = 1): Example {
  return { subject: m.subject, body: m.body, label, weight };
}

/** Accuracy of a model on the held-out later mail, overall and per corpus group. */
export function score(model: NaiveBayes, heldOut: Mail[]): Score {
  const correct = { easy_ham: 0, hard_ham: 0, spam: 0 };
  const total = { easy_ham: 0, hard_ham: 0, spam: 0 };
  for (const m of heldOut) {
    total[m.group]++;
    if (model.predict(m.subject, m.body) === m.truth) correct[m.group]++;
  }
  const all = GROUPS.reduce((a, g) => a + total[g], 0);
  const right = GROUPS.reduce((a, g) => a + correct[g], 0);
  return {
    overall: right / all,
    byGroup: Object.fromEntries(GROUPS.map((g) => [g, total[g] === 0 ? NaN : correct[g] / total[g]])) as Record<Group, number>,
  };
}

/**
 * The retrained model of an arm: the older mail it was first trained on plus the new rows, each row
 * with its export weight. Rows come with the text as exported, not from the corpus, so a broken export shows.
 */
export function retrain(older: Mail[], rows: ExportedRow[]): NaiveBayes {
  const added: Example[] = rows.map((r) => {
    if (r.label !== 'spam' && r.label !== 'ham') throw new Error(`export row ${r.id} has label ${r.label}`);
    if (!Number.isFinite(r.weight) || r.weight < 0) throw new Error(`export row ${r.id} has weight ${r.weight}`);
    return { subject: r.subject, body: r.body, label: r.label, weight: r.weight };
  });
  return new NaiveBayes([...older.map((m) => example(m)), ...added]);
}
