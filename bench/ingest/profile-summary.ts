/**
 * Summarises a V8 CPU profile (from `npm run bench:ingest -- --profile`): the functions with the
 * most self time, and self time grouped by where the code lives (our src/, a package, node internals).
 *
 *   node dist/bench/ingest/profile-summary.js bench/results/profiles/CPU.*.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(src|bench|migrations)\/(.+)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2].split('/')[0]}` : url;
}

function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMicros = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    selfMicros.set(profile.samples[i], (selfMicros.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'}  ${file ? `${file}:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const place =
      frame.functionName === '(idle)'
        ? '(idle)'
        : frame.functionName === '(garbage collector)'
          ? '(garbage collector)'
          : where(frame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
  }
  const busy = total - (byPlace.get('(idle)') ?? 0);
  const ownInclusive = inclusiveOfOwnCode(profile, byId);
  const pct = (m: number) => `${((m / busy) * 100).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([k]) => k !== '(idle)' && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v)}  ${(v / 1e3).toFixed(0).padStart(7)} ms  ${k}`)
      .join('\n');
  return [
    `profiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages are of busy time)`,
    '\nself time by place:',
    list(byPlace, 25),
    `\ntop ${top} functions by self time:`,
    list(byFunction, top),
    `\ntop ${top} functions of our own code (src/) by total time, callees included:`,
    list(ownInclusive, top),
  ].join('\n');
}

/** Total time of each function in src/ (its callees included), each sample counted once per function. */
function inclusiveOfOwnCode(profile: Profile, byId: Map<number, ProfileNode>): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !/\/dist\/src\//.test(frame.url)) continue;
      const key = `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*\/dist\//, '')}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  }
  return totals;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
if (positionals.length === 0) {
  process.stderr.write('usage: node dist/bench/ingest/profile-summary.js FILE.cpuprofile... [--top N]\n');
  process.exit(2);
}
for (const file of positionals) {
  console.log(`== ${file}`);
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(values.top)));
}
