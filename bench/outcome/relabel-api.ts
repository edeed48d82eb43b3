import { RelabelClient, RelabelError } from '../../clients/ts/src/index.js';
import { BODY_CHARS, CLASSES, GROUPS, SUBJECT_CHARS, TLDS, type Truth } from './corpus.js';
import { RULE_WINDOW, type Served } from './world.js';

const PREDICTION_BATCH = 250;
const SETTLE_TIMEOUT_MS = 180_000;

/** The spam filter as relabel's registry knows it: report and rescue rules, and "no report, so ham". */
export const MODEL_DEFINITION = {
  classes: [...CLASSES],
  sliceKeys: ['group', 'tld'],
  featureSchema: {
    subject: { type: 'text', maxLength: SUBJECT_CHARS },
    body: { type: 'text', maxLength: BODY_CHARS },
    group: { type: 'category', values: [...GROUPS], required: true },
    tld: { type: 'category', values: [...TLDS], required: true },
  },
  labelRules: [
    { event: 'not_spam', label: 'ham', within: RULE_WINDOW, priority: 20 },
    { event: 'report_spam', label: 'spam', within: RULE_WINDOW, priority: 10 },
  ],
  implicitLabel: { label: 'ham', after: RULE_WINDOW },
  eventGrace: '1s',
};

export interface HumanAnswer {
  predictionId: string;
  reason: string;
  label: Truth;
}

interface SliceRow {
  key: string;
  value: string;
  n: number;
  accuracy: number | null;
  estimated?: { accuracy: number; ci: [number, number]; method: string } | null;
}
export interface SliceReport {
  overall: { n: number; accuracy: number | null; estimated?: unknown };
  slices: SliceRow[];
}

export interface ExportResult {
  id: string;
  manifest: Record<string, unknown>;
  /** The unacknowledged findings of a first attempt that had to be acknowledged, if any. */
  acknowledged: string[];
  body: Uint8Array;
}

/** One world's model in relabel, reached over the public HTTP API only. */
export class RelabelModel {
  constructor(
    private readonly service: { baseUrl: string; adminToken: string },
    readonly admin: RelabelClient,
    private readonly ingest: RelabelClient,
    private readonly labeler: RelabelClient,
    readonly name: string,
  ) {}

  async register(): Promise<void> {
    await this.admin.request('PUT', `/api/v1/models/${this.name}`, { body: MODEL_DEFINITION, expect: [200, 201] });
  }

  /**
   * Logs the served mail in batches, each batch's user events first: they wait for their prediction
   * and join when it is stored, so no window can close (1 s after logging) before its event is there.
   */
  async logPredictions(served: Served[]): Promise<void> {
    for (let i = 0; i < served.length; i += PREDICTION_BATCH) {
      const batch = served.slice(i, i + PREDICTION_BATCH);
      const events = batch
        .filter((s) => s.event !== null)
        .map((s) => ({
          id: `${s.id}.${s.event!.type}`,
          model: this.name,
          predictionId: s.id,
          type: s.event!.type,
          timestamp: new Date(s.event!.ts).toISOString(),
        }));
      if (events.length > 0) await this.ingest.request('POST', '/api/v1/events', { body: { events }, expect: [202] });
      const predictions = batch.map((s) => ({
        id: s.id,
        model: this.name,
        modelVersion: 'nb-older-mail',
        timestamp: new Date(s.ts).toISOString(),
        features: { subject: s.mail.subject, body: s.mail.body, group: s.mail.group, tld: s.mail.tld },
        prediction: s.prediction,
        scores: { spam: round6(s.spamScore), ham: round6(1 - round6(s.spamScore)) },
        exposure: s.exposure,
      }));
      await this.ingest.request('POST', '/api/v1/predictions', { body: { predictions }, expect: [201] });
    }
  }

  /** Waits until relabel's slices count `expected` labeled predictions (the label job has closed every window). */
  async waitForLabels(expected: number, window: { from: string; to: string }): Promise<SliceReport> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let last: SliceReport | null = null;
    while (Date.now() < deadline) {
      last = await this.slices(window);
      if (last.overall.n >= expected) return last;
      await sleep(1000);
    }
    throw new Error(
      `${this.name}: relabel counts ${last?.overall.n ?? 0} labeled predictions after ${SETTLE_TIMEOUT_MS / 1000}s, expected ${expected}`,
    );
  }

  /**
   * Waits until the slices count `expected` labeled predictions and two reads a rollup interval
   * apart (it runs every 2 s) agree: the rollups have taken in the last labels.
   */
  async settledSlices(expected: number, window: { from: string; to: string }): Promise<SliceReport> {
    let previous = JSON.stringify(await this.waitForLabels(expected, window));
    for (let i = 0; i < 60; i++) {
      await sleep(2500);
      const text = JSON.stringify(await this.slices(window));
      if (text === previous) return JSON.parse(text) as SliceReport;
      previous = text;
    }
    return JSON.parse(previous) as SliceReport;
  }

  slices(window: { from: string; to: string }): Promise<SliceReport> {
    const q = new URLSearchParams(window).toString();
    return this.labeler.request<SliceReport>('GET', `/api/v1/models/${this.name}/slices?${q}`, { expect: [200] });
  }

  /**
   * One labeling batch chosen by relabel's active learning (its own audit share included); a
   * labeler leases every task and answers with the truth.
   */
  async labelBatch(size: number, seed: number, truth: (id: string) => Truth): Promise<HumanAnswer[]> {
    const batch = await this.admin.request<{ id: string }>('POST', `/api/v1/models/${this.name}/labeling-batches`, {
      body: { size, strategy: 'least_confidence', quotas: 'balanced', seed },
      expect: [201],
    });
    const answers: HumanAnswer[] = [];
    for (;;) {
      const task = await this.labeler.request<{ taskId: string; predictionId: string; reason: string } | string>(
        'GET',
        `/api/v1/models/${this.name}/labeling/next?batch=${batch.id}`,
        { expect: [200, 204] },
      );
      if (task === undefined || typeof task === 'string') break;
      const label = truth(task.predictionId);
      await this.labeler.request('POST', `/api/v1/labeling/tasks/${task.taskId}`, { body: { label }, expect: [200, 201] });
      answers.push({ predictionId: task.predictionId, reason: task.reason, label });
    }
    return answers;
  }

  /** The export file: request() parses JSON, this wants the bytes. */
  private async download(path: string): Promise<Uint8Array> {
    const res = await fetch(`${this.service.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${this.service.adminToken}` },
      signal: AbortSignal.timeout(120_000),
    });
    if (res.status !== 200) throw new RelabelError('GET', path, res.status, await res.text());
    return new Uint8Array(await res.arrayBuffer());
  }

  feedbackReport(): Promise<Record<string, unknown>> {
    return this.labeler.request('GET', `/api/v1/models/${this.name}/feedback-report`, { expect: [200] });
  }

  /** GET .../label-quality, or null while the service does not serve it. */
  async labelQuality(): Promise<Record<string, unknown> | null> {
    try {
      return await this.labeler.request('GET', `/api/v1/models/${this.name}/label-quality`, { expect: [200] });
    } catch (error) {
      if (error instanceof RelabelError && error.status === 404) return null;
      throw error;
    }
  }

  /**
   * Requests an export (mitigation null: the service's default, i.e. the recommended one), first
   * without acknowledging anything; a 409 is answered by acknowledging its findings, as an admin
   * who read the report would. Null with the message when the service refuses the mitigation.
   */
  async export(mitigation: string | null, format: string): Promise<ExportResult | { refused: string }> {
    const body = { format, split: { validation: 0 }, ...(mitigation === null ? {} : { mitigation }) };
    const path = `/api/v1/models/${this.name}/exports`;
    let acknowledged: string[] = [];
    let created: { id: string };
    try {
      created = await this.admin.request<{ id: string }>('POST', path, { body: body, expect: [202] });
    } catch (error) {
      if (!(error instanceof RelabelError)) throw error;
      if (error.status === 400) return { refused: error.message };
      if (error.status !== 409) throw error;
      const details = (error.body as { details?: { unacknowledged?: { name: string; severity: string }[] } }).details;
      acknowledged = (details?.unacknowledged ?? []).map((c) => `${c.name} (${c.severity})`);
      created = await this.admin.request<{ id: string }>('POST', path, {
        body: { ...body, acknowledgeWarnings: true, acknowledgeBlocking: true },
        expect: [202],
      });
    }
    const deadline = Date.now() + 120_000;
    for (;;) {
      const e = await this.admin.request<{ status: string; manifest: Record<string, unknown> | null; error?: string }>(
        'GET',
        `/api/v1/exports/${created.id}`,
        { expect: [200] },
      );
      if (e.status === 'done') {
        const bytes = await this.download(`/api/v1/exports/${created.id}/download`);
        return { id: created.id, manifest: e.manifest ?? {}, acknowledged, body: bytes };
      }
      if (e.status === 'failed') throw new Error(`export ${created.id} (${mitigation ?? 'default'}) failed: ${e.error}`);
      if (Date.now() > deadline) throw new Error(`export ${created.id} not done after 120 s`);
      await sleep(300);
    }
  }
}

function round6(p: number): number {
  return Math.round(p * 1e6) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
