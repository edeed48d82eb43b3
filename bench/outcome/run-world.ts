import { countByGroup, GROUPS, type Group, type Mail, splitCorpus } from './corpus.js';
import { readExport } from './export-reader.js';
import { example, retrain, type Score, score } from './arms.js';
import { NaiveBayes } from './naive-bayes.js';
import type { HumanAnswer, RelabelModel, SliceReport } from './relabel-api.js';
import { weakArm } from './weak.js';
import { type ExposurePolicy, serve, type Served } from './world.js';

export const FORMATS = ['csv', 'jsonl', 'parquet'] as const;

export interface WorldConfig {
  seed: number;
  policy: ExposurePolicy;
  trainShare: number;
  heldOutShare: number;
  streamLimit?: number;
  labelBudget: number;
  mitigations: string[];
}

export interface ArmResult {
  arm: string;
  /** For the recommended arm: what the service chose, and why. */
  mitigation?: string;
  reason?: string;
  format?: string;
  rows: number;
  score: Score;
  acknowledged?: string[];
}

export interface LabelFacts {
  served: number;
  shown: number;
  explored: number;
  behaviourLabels: { direct: number; implicit: number };
  /** Of all implicit labels, how many are wrong (the benchmark knows the truth). */
  implicitWrong: { n: number; wrong: number };
  /** Of the implicit labels a human also labeled, how many the human contradicts. */
  implicitContradicted: { n: number; contradicted: number; nAudit: number; contradictedAudit: number };
  directWrong: { n: number; wrong: number };
  humans: { total: number; audit: number };
  /** Per group: relabel's label accuracy and its estimate (when served) against the model's true accuracy on every served mail. */
  groups: {
    group: Group;
    labelAccuracy: number | null;
    labelN: number;
    estimated: unknown;
    truthAccuracy: number;
    truthN: number;
  }[];
  overall: { labelAccuracy: number | null; estimated: unknown; truthAccuracy: number };
  labelQuality: unknown;
  recommendation: unknown;
  reportWorst: unknown;
}

export interface WorldResult {
  seed: number;
  policy: string;
  arms: ArmResult[];
  facts: LabelFacts;
  skipped: string[];
  seconds: number;
  sizes: { train: number; stream: number; heldOut: number; heldOutByGroup: Record<Group, number> };
}

/** One world end to end: serve, log to relabel, label, export with every mitigation, retrain, score. */
export async function runWorld(
  mails: Mail[],
  config: WorldConfig,
  relabel: RelabelModel,
  log: (line: string) => void,
): Promise<WorldResult> {
  const started = Date.now();
  const { train, stream, heldOut } = splitCorpus(mails, config.seed, config.trainShare, config.heldOutShare, config.streamLimit);
  const original = new NaiveBayes(train.map((m) => example(m)));
  const now = Date.now();
  const timing = { start: now - 4 * 3600_000, end: now - 20 * 60_000 };
  const served = serve(stream, (m) => original.spamProbability(m.subject, m.body), config.policy, config.seed, timing);
  const byId = new Map(served.map((s) => [s.id, s]));
  const window = { from: new Date(timing.start - 3600_000).toISOString(), to: new Date(now + 3600_000).toISOString() };

  await relabel.register();
  await relabel.logPredictions(served);
  const labeled = served.filter((s) => s.behaviourLabel !== null).length;
  log(`${relabel.name}: ${served.length} mails served, ${labeled} behaviour labels expected; waiting for the label job`);
  await relabel.waitForLabels(labeled, window);
  const answers = await relabel.labelBatch(config.labelBudget, config.seed, (id) => byId.get(id)!.mail.truth);
  log(`${relabel.name}: ${answers.length} human labels (${answers.filter((a) => a.reason === 'audit').length} audit)`);
  const labeledNow = new Set([
    ...served.filter((s) => s.behaviourLabel !== null).map((s) => s.id),
    ...answers.map((a) => a.predictionId),
  ]);
  const slices = await relabel.settledSlices(labeledNow.size, window);
  const report = await relabel.feedbackReport();
  const facts = labelFacts(served, answers, slices, await relabel.labelQuality(), report);

  const arms: ArmResult[] = [];
  const add = (arm: string, model: NaiveBayes, rows: number, extra: Partial<ArmResult> = {}) =>
    arms.push({ arm, rows, score: score(model, heldOut), ...extra });
  add('original', original, train.length);
  const naiveRows = served.filter((s) => s.behaviourLabel !== null);
  const naive = [...train.map((m) => example(m)), ...naiveRows.map((s) => example(s.mail, s.behaviourLabel!.label))];
  add('naive', new NaiveBayes(naive), naiveRows.length);

  const skipped: string[] = [];
  const plan: { arm: string; mitigation: string | null }[] = [
    ...config.mitigations.map((m) => ({ arm: m, mitigation: m })),
    { arm: 'recommended', mitigation: null },
  ];
  for (const [i, { arm, mitigation }] of plan.entries()) {
    const format = FORMATS[(i + config.seed) % FORMATS.length];
    const result = await relabel.export(mitigation, format);
    if ('refused' in result) {
      skipped.push(`${arm}: ${result.refused}`);
      log(`${relabel.name}: skipping mitigation ${arm}: the service refused it (${result.refused})`);
      continue;
    }
    const rows = readExport(format, result.body);
    checkRows(rows, byId, answers, arm);
    const parameters = (result.manifest.parameters ?? {}) as { mitigation?: string };
    const recommendation = (result.manifest.recommendation ?? null) as { mitigation?: string; reason?: string } | null;
    add(arm, retrain(train, rows), rows.length, {
      format,
      acknowledged: result.acknowledged,
      ...(mitigation === null
        ? { mitigation: parameters.mitigation ?? recommendation?.mitigation ?? '?', reason: recommendation?.reason }
        : {}),
    });
  }
  await checkFormatsAgree(relabel, byId, answers);
  arms.push(
    await weakArm(
      relabel,
      train,
      heldOut,
      arms.find((a) => a.arm === 'none'),
      log,
    ),
  );
  const truthAll = served.map((s) => example(s.mail));
  add('ceiling: all served mail, true labels', new NaiveBayes([...train.map((m) => example(m)), ...truthAll]), served.length);
  const sizes = { train: train.length, stream: stream.length, heldOut: heldOut.length, heldOutByGroup: countByGroup(heldOut) };
  return { seed: config.seed, policy: config.policy.name, arms, facts, skipped, seconds: (Date.now() - started) / 1000, sizes };
}

/** The same export in every format must hold the same rows, labels and weights. */
async function checkFormatsAgree(relabel: RelabelModel, byId: Map<string, Served>, answers: HumanAnswer[]): Promise<void> {
  const seen: { format: string; rows: string }[] = [];
  for (const format of FORMATS) {
    const result = await relabel.export('none', format);
    if ('refused' in result) return;
    const rows = readExport(format, result.body);
    checkRows(rows, byId, answers, `none as ${format}`);
    const key = rows
      .map((r) => `${r.id}\t${r.label}\t${r.labelSource}\t${r.weight}\t${r.subject.length}\t${r.body.length}`)
      .sort()
      .join('\n');
    seen.push({ format, rows: key });
  }
  const differ = seen.filter((s) => s.rows !== seen[0].rows).map((s) => s.format);
  if (differ.length > 0) throw new Error(`export "none" as ${differ.join(', ')} differs from ${seen[0].format}`);
}

/** Exported rows must be served mail, with the human's label where there is one and the behaviour's label elsewhere. */
function checkRows(
  rows: { id: string; label: string; labelSource: string }[],
  byId: Map<string, Served>,
  answers: HumanAnswer[],
  arm: string,
): void {
  const human = new Map(answers.map((a) => [a.predictionId, a.label]));
  for (const r of rows) {
    const s = byId.get(r.id);
    if (!s) throw new Error(`${arm}: exported row ${r.id} is not a served mail`);
    const expected = human.get(r.id) ?? s.behaviourLabel?.label;
    // label_quality marks a label it flipped ("implicit/flipped"): that one differs from the behaviour's on purpose.
    const flipped = r.labelSource.endsWith('/flipped');
    if (flipped && r.label === s.behaviourLabel?.label)
      throw new Error(`${arm}: row ${r.id} is marked flipped but keeps the behaviour's label ${r.label}`);
    if (!flipped && r.labelSource !== 'manual' && r.labelSource !== 'audit' && r.label !== s.behaviourLabel?.label)
      throw new Error(`${arm}: row ${r.id} has ${r.labelSource} label ${r.label}, the behaviour gave ${s.behaviourLabel?.label}`);
    if ((r.labelSource === 'manual' || r.labelSource === 'audit') && r.label !== expected)
      throw new Error(`${arm}: row ${r.id} has human label ${r.label}, the labeler answered ${expected}`);
  }
}

function labelFacts(
  served: Served[],
  answers: HumanAnswer[],
  slices: SliceReport,
  labelQuality: unknown,
  report: Record<string, unknown>,
): LabelFacts {
  const human = new Map(answers.map((a) => [a.predictionId, a]));
  const implicit = served.filter((s) => s.behaviourLabel?.source === 'implicit');
  const direct = served.filter((s) => s.behaviourLabel?.source === 'direct');
  const checked = implicit.filter((s) => human.has(s.id));
  const checkedAudit = checked.filter((s) => human.get(s.id)!.reason === 'audit');
  const wrong = (s: Served) => s.behaviourLabel!.label !== s.mail.truth;
  const truthAccuracy = (list: Served[]) => list.filter((s) => s.prediction === s.mail.truth).length / Math.max(1, list.length);
  const groups = GROUPS.map((group) => {
    const inGroup = served.filter((s) => s.mail.group === group);
    const cell = slices.slices.find((c) => c.key === 'group' && c.value === group);
    return {
      group,
      labelAccuracy: cell?.accuracy ?? null,
      labelN: cell?.n ?? 0,
      estimated: cell?.estimated ?? null,
      truthAccuracy: truthAccuracy(inGroup),
      truthN: inGroup.length,
    };
  });
  return {
    served: served.length,
    shown: served.filter((s) => s.exposure.shown).length,
    explored: served.filter((s) => s.exposure.policy === 'explore').length,
    behaviourLabels: { direct: direct.length, implicit: implicit.length },
    implicitWrong: { n: implicit.length, wrong: implicit.filter(wrong).length },
    implicitContradicted: {
      n: checked.length,
      contradicted: checked.filter((s) => human.get(s.id)!.label !== s.behaviourLabel!.label).length,
      nAudit: checkedAudit.length,
      contradictedAudit: checkedAudit.filter((s) => human.get(s.id)!.label !== s.behaviourLabel!.label).length,
    },
    directWrong: { n: direct.length, wrong: direct.filter(wrong).length },
    humans: { total: answers.length, audit: answers.filter((a) => a.reason === 'audit').length },
    groups,
    overall: {
      labelAccuracy: slices.overall.accuracy,
      estimated: slices.overall.estimated ?? null,
      truthAccuracy: truthAccuracy(served),
    },
    labelQuality,
    recommendation: report.recommendation ?? null,
    reportWorst: report.worst,
  };
}
