import type { RelabelClient } from '../../clients/ts/src/index.js';
import { retrain, score } from './arms.js';
import type { Mail } from './corpus.js';
import type { ExportedRow } from './export-reader.js';
import { sleep, type RelabelModel } from './relabel-api.js';
import type { ArmResult } from './run-world.js';

/** A handful of simple functions a team would write in an afternoon; none is tuned on the held-out mail. */
export const SPAM_FUNCTIONS: Record<string, Record<string, unknown>> = {
  money_subject: {
    kind: 'keyword',
    feature: 'subject',
    label: 'spam',
    keywords: ['free', 'money', 'cash', 'win', 'winner', 'prize', 'offer', 'cheap', 'mortgage', 'loan', 'credit'],
  },
  sales_body: {
    kind: 'keyword',
    feature: 'body',
    label: 'spam',
    keywords: ['click here', 'unsubscribe', 'opt-out', 'opt out', 'limited time', 'act now', 'order now', '100%', 'guarantee'],
  },
  reply_subject: { kind: 'regex', feature: 'subject', label: 'ham', pattern: '^(re|fwd?|aw) ?:' },
  list_body: {
    kind: 'keyword',
    feature: 'body',
    label: 'ham',
    keywords: ['wrote:', 'mailing list', 'cvs', 'patch', 'linux', 'perl', 'python', 'spamassassin'],
  },
};

const RUN_TIMEOUT_MS = 180_000;

async function waitRun(admin: RelabelClient, model: string, id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const run = await admin.request<{ status: string; result: Record<string, unknown>; error: string | null }>(
      'GET',
      `/api/v1/models/${model}/weak-runs/${id}`,
      { expect: [200] },
    );
    if (run.status === 'done') return run.result;
    if (run.status === 'failed') throw new Error(`weak run ${id} failed: ${run.error}`);
    if (Date.now() > deadline) throw new Error(`weak run ${id} not done after ${RUN_TIMEOUT_MS / 1000} s`);
    await sleep(300);
  }
}

/** JSONL rows with the label model's probability folded into the weight, as a team would train on them. */
function weightedRows(bytes: Uint8Array): ExportedRow[] {
  return new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const r = JSON.parse(line) as {
        id: string;
        features: Record<string, unknown>;
        label: string;
        label_source: string;
        weight?: number;
        label_probability?: number | null;
      };
      return {
        id: r.id,
        subject: String(r.features.subject ?? ''),
        body: String(r.features.body ?? ''),
        label: r.label,
        labelSource: r.label_source,
        weight: (r.weight ?? 1) * (r.label_probability ?? 1),
      };
    });
}

/**
 * The weak-supervision arm: registers the functions, lets relabel run them over the logged mail and
 * fit its label model, then exports with no mitigation. Weak labels rank above implicit ones and also
 * label mail the filter hid, which the feedback loop never labels. Runs after every other export,
 * since it changes the model's effective labels.
 */
export async function weakArm(
  relabel: RelabelModel,
  train: Mail[],
  heldOut: Mail[],
  without: ArmResult | undefined,
  log: (line: string) => void,
): Promise<ArmResult> {
  const model = relabel.name;
  for (const [name, fn] of Object.entries(SPAM_FUNCTIONS)) {
    const put = await relabel.admin.request<{ applyRun: string }>('PUT', `/api/v1/models/${model}/labeling-functions/${name}`, {
      body: fn,
      expect: [200],
    });
    await waitRun(relabel.admin, model, put.applyRun);
  }
  const fit = await relabel.admin.request<{ id: string }>('POST', `/api/v1/models/${model}/weak-runs`, {
    body: { kind: 'fit' },
    expect: [202],
  });
  const result = await waitRun(relabel.admin, model, fit.id);
  const exported = await relabel.export('none', 'jsonl');
  if ('refused' in exported) throw new Error(`weak arm: export refused: ${exported.refused}`);
  const rows = weightedRows(exported.body);
  const arm: ArmResult = {
    arm: 'none + weak labels',
    rows: rows.length,
    score: score(retrain(train, rows), heldOut),
    mitigation: String(result.method),
  };
  const weakRows = rows.filter((r) => r.labelSource === 'weak').length;
  const delta = without ? arm.score.overall - without.score.overall : NaN;
  log(
    `${model}: weak labels (${String(result.method)}, ${weakRows} weak rows of ${rows.length}): held-out ${arm.score.overall.toFixed(3)}` +
      (without
        ? ` vs ${without.score.overall.toFixed(3)} without: ${delta >= 0 ? 'help' : 'hurt'} by ${(100 * Math.abs(delta)).toFixed(1)} points`
        : ''),
  );
  return arm;
}
