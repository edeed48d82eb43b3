import { readFileSync, writeFileSync } from 'node:fs';
import { GROUPS } from './corpus.js';
import type { ArmResult, WorldResult } from './run-world.js';

const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(digits)}%`;
const acc = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Arms in the order of the first world, then any that only later worlds had. */
function armNames(worlds: WorldResult[]): string[] {
  const names: string[] = [];
  for (const w of worlds) for (const a of w.arms) if (!names.includes(a.arm)) names.push(a.arm);
  return names;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Mean held-out accuracy per arm over every world, with per-group means and the gap to naive. */
export function summaryTable(worlds: WorldResult[]): string {
  const names = armNames(worlds);
  const naive = mean(worlds.map((w) => w.arms.find((a) => a.arm === 'naive')!.score.overall));
  const lines = [
    row(['retraining set', 'held-out accuracy', 'vs naive', ...GROUPS.map((g) => g.replace('_', ' ')), 'rows', 'worlds']),
    row(['---', '---:', '---:', ...GROUPS.map(() => '---:'), '---:', '---:']),
  ];
  for (const name of names) {
    const arms = worlds.flatMap((w) => w.arms.filter((a) => a.arm === name));
    const overall = mean(arms.map((a) => a.score.overall));
    const label = name === 'recommended' ? `recommended (${[...new Set(arms.map((a) => a.mitigation))].join(', ')})` : name;
    lines.push(
      row([
        label,
        acc(overall),
        name === 'naive' ? '' : `${overall >= naive ? '+' : ''}${(100 * (overall - naive)).toFixed(1)}`,
        ...GROUPS.map((g) => acc(mean(arms.map((a) => a.score.byGroup[g]).filter((x) => !Number.isNaN(x))))),
        String(Math.round(mean(arms.map((a) => a.rows)))),
        String(arms.length),
      ]),
    );
  }
  return lines.join('\n');
}

/** Arms that are not an export mitigation. */
const FIXED_ARMS = ['original', 'naive', 'recommended'];

/** Every world's arms: overall (hard ham) per seed and policy. */
export function perWorldTable(worlds: WorldResult[]): string {
  const names = armNames(worlds);
  const lines = [
    row(['seed', 'exploration', ...names, 'best mitigation vs naive']),
    row(['---', '---', ...names.map(() => '---:'), '---']),
  ];
  for (const w of worlds) {
    const cell = (name: string) => {
      const a: ArmResult | undefined = w.arms.find((x) => x.arm === name);
      return a ? `${acc(a.score.overall)} (${acc(a.score.byGroup.hard_ham)})` : 'skipped';
    };
    const naive = w.arms.find((x) => x.arm === 'naive')!.score.overall;
    const best = w.arms
      .filter((x) => !FIXED_ARMS.includes(x.arm) && !x.arm.startsWith('ceiling'))
      .reduce<ArmResult | null>((b, x) => (b === null || x.score.overall > b.score.overall ? x : b), null);
    const margin = best
      ? `${best.arm} ${best.score.overall >= naive ? '+' : ''}${(100 * (best.score.overall - naive)).toFixed(1)}`
      : 'none';
    lines.push(row([String(w.seed), w.policy, ...names.map(cell), margin]));
  }
  return lines.join('\n');
}

/** The label-quality facts the issue quotes, per world. */
export function factsTable(worlds: WorldResult[]): string {
  const lines = [
    row([
      'seed',
      'exploration',
      'implicit labels wrong (truth)',
      'implicit labels humans contradict (all / audit)',
      'direct labels wrong',
      'label-quality API: agreement with humans',
      ...GROUPS.map((g) => `${g.replace('_', ' ')}: label acc / estimate / truth`),
      'overall: label acc / estimate / truth',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', ...GROUPS.map(() => '---:'), '---:']),
  ];
  for (const w of worlds) {
    const f = w.facts;
    const c = f.implicitContradicted;
    lines.push(
      row([
        String(w.seed),
        w.policy,
        `${pct(f.implicitWrong.wrong / f.implicitWrong.n)} of ${f.implicitWrong.n}`,
        `${pct(c.n ? c.contradicted / c.n : null)} of ${c.n} / ${pct(c.nAudit ? c.contradictedAudit / c.nAudit : null)} of ${c.nAudit}`,
        `${pct(f.directWrong.wrong / Math.max(1, f.directWrong.n))} of ${f.directWrong.n}`,
        sourceAgreement(f.labelQuality),
        ...f.groups.map((g) => `${pct(g.labelAccuracy)} / ${estimate(g.estimated)} / ${pct(g.truthAccuracy)}`),
        `${pct(f.overall.labelAccuracy)} / ${estimate(f.overall.estimated)} / ${pct(f.overall.truthAccuracy)}`,
      ]),
    );
  }
  return lines.join('\n');
}

/** relabel's own measure of each behaviour source against human labels, when GET .../label-quality is served. */
function sourceAgreement(quality: unknown): string {
  if (quality === null || quality === undefined) return 'not served';
  type Source = { source: string; rule?: string; n?: number; agreement?: number | null; ci?: [number, number] };
  const sources = (quality as { sources?: Source[] }).sources ?? [];
  if (sources.length === 0) return 'no sources';
  return sources
    .map((s) => {
      const name = s.rule ? `${s.source}/${s.rule}` : s.source;
      if (typeof s.agreement !== 'number') return `${name} not measured`;
      return `${name} ${pct(s.agreement)}${s.ci ? ` [${pct(s.ci[0], 0)}, ${pct(s.ci[1], 0)}]` : ''} of ${s.n ?? '?'}`;
    })
    .join('; ');
}

/** What the feedback report recommends in each world, and why. */
export function recommendationLines(worlds: WorldResult[]): string[] {
  return worlds.map((w) => {
    const r = w.facts.recommendation as { mitigation?: string; reason?: string } | null;
    const used = w.arms.find((a) => a.arm === 'recommended');
    return `- seed ${w.seed}, ${w.policy}: report worst "${String(w.facts.reportWorst)}"; ${
      r ? `recommends ${r.mitigation}: ${r.reason ?? '(no reason given)'}` : 'no recommendation in the report'
    }; the export without a mitigation used ${used?.mitigation ?? '?'}${used?.acknowledged?.length ? `, after acknowledging ${used.acknowledged.join(', ')}` : ''}.`;
  });
}

function estimate(e: unknown): string {
  const x = e as { accuracy?: number; ci?: [number, number] } | null;
  if (!x || typeof x.accuracy !== 'number') return 'none';
  return `${pct(x.accuracy)}${x.ci ? ` [${pct(x.ci[0], 0)}, ${pct(x.ci[1], 0)}]` : ''}`;
}

/** Target of the issue: the recommended set at least 5 points above naive on average. */
export function targetLine(worlds: WorldResult[]): string {
  const m = (name: string) => mean(worlds.map((w) => w.arms.find((a) => a.arm === name)?.score.overall ?? NaN));
  const rec = m('recommended');
  const naive = m('naive');
  const others = armNames(worlds).filter((n) => !FIXED_ARMS.includes(n) && !n.startsWith('ceiling'));
  const best = Math.max(...others.map(m).filter((x) => !Number.isNaN(x)), naive);
  const gap = 100 * (rec - naive);
  return (
    `recommended - naive: ${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points (target >= +5: ${gap >= 5 ? 'met' : 'MISSED'}); ` +
    `recommended - best other arm: ${(100 * (rec - best)).toFixed(1)} points (target >= -1: ${rec - best >= -0.01 ? 'met' : 'MISSED'})`
  );
}

const BEGIN = '<!-- bench:outcome results begin -->';
const END = '<!-- bench:outcome results end -->';

/** Replaces the results block of bench/README.md (between its markers) with `markdown`. */
export function writeReadmeBlock(path: string, markdown: string): boolean {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(path, `${text.slice(0, start + BEGIN.length)}\n${markdown.trim()}\n${text.slice(end)}`);
  return true;
}
