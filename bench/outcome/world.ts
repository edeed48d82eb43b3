import { hashSeed } from '../../src/demo/behaviour.js';
import { SeededRandom } from '../../src/common/random.js';
import type { Group, Mail, Truth } from './corpus.js';

/** How the users of the mail service behave; per group, since hard ham is what users argue with. */
export const USERS = {
  /** A user who sees spam in the inbox reports it. */
  reportSpam: 0.35,
  /** A user reports ham as spam: newsletters and promotions (hard ham) far more often. */
  misreport: { easy_ham: 0.01, hard_ham: 0.15 } as Record<Exclude<Group, 'spam'>, number>,
  /** A user finds ham in the spam folder and rescues it. */
  rescue: { easy_ham: 0.5, hard_ham: 0.3 } as Record<Exclude<Group, 'spam'>, number>,
  /** A user "rescues" spam by mistake. */
  misrescue: 0.01,
};

/** The label rules of the model relabel is told about; windows are short so the benchmark closes them fast. */
export const RULE_WINDOW = '10m';
export const RULE_WINDOW_MS = 10 * 60_000;

export type Exposure = { policy: 'model' | 'explore'; propensity: number; shown: boolean };

export interface Served {
  id: string;
  mail: Mail;
  ts: number;
  spamScore: number;
  prediction: Truth;
  exposure: Exposure;
  /** What the user did, if anything, and when. */
  event: { type: 'report_spam' | 'not_spam'; ts: number } | null;
  /** The label the behaviour gives under the model's rules: what a team without relabel trains on. */
  behaviourLabel: { label: Truth; source: 'direct' | 'implicit' } | null;
}

/** Probability of showing a mail the filter calls spam: the exploration share. */
export interface ExposurePolicy {
  name: string;
  exploration: number;
}

/**
 * Serves the stream: the filter hides what it calls spam except for an exploration share shown
 * anyway (logged with its propensity), and the users react. Seeded per (seed, mail), so a mail is
 * treated alike whatever else is in the stream.
 */
export function serve(
  stream: Mail[],
  score: (m: Mail) => number,
  policy: ExposurePolicy,
  seed: number,
  timing: { start: number; end: number },
): Served[] {
  const slot = (timing.end - timing.start) / Math.max(1, stream.length);
  return stream.map((mail, i) => {
    const rng = new SeededRandom(hashSeed(seed, mail.key));
    const explore = rng.next();
    const react = rng.next();
    const delay = Math.round(rng.between(5_000, RULE_WINDOW_MS - 30_000));
    const ts = Math.round(timing.start + i * slot);
    const spamScore = score(mail);
    const prediction: Truth = spamScore >= 0.5 ? 'spam' : 'ham';
    const e = policy.exploration;
    const exposure: Exposure =
      prediction === 'ham'
        ? { policy: 'model', propensity: 1, shown: true }
        : explore < e
          ? { policy: 'explore', propensity: e, shown: true }
          : { policy: 'model', propensity: round6(1 - e), shown: false };
    let type: 'report_spam' | 'not_spam' | null = null;
    if (exposure.shown) {
      const p = mail.group === 'spam' ? USERS.reportSpam : USERS.misreport[mail.group];
      if (react < p) type = 'report_spam';
    } else {
      const p = mail.group === 'spam' ? USERS.misrescue : USERS.rescue[mail.group];
      if (react < p) type = 'not_spam';
    }
    const behaviourLabel: Served['behaviourLabel'] =
      type === 'report_spam'
        ? { label: 'spam', source: 'direct' }
        : type === 'not_spam'
          ? { label: 'ham', source: 'direct' }
          : exposure.shown
            ? { label: 'ham', source: 'implicit' }
            : null;
    return {
      id: `${mail.key}`,
      mail,
      ts,
      spamScore,
      prediction,
      exposure,
      event: type === null ? null : { type, ts: ts + delay },
      behaviourLabel,
    };
  });
}

function round6(p: number): number {
  return Math.round(p * 1e6) / 1e6;
}
