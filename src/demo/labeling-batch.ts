import type { RelabelClient, Schemas } from '../../clients/ts/src/index.js';
import { MODEL_NAME } from './shop-world.js';

/** The batch a new user finds in the labeling queue: the model's least sure predictions, balanced over classes. */
export const DEMO_BATCH = { size: 200, strategy: 'least_confidence', quotas: 'balanced' } as const;

/** What the demo needs of POST/GET .../labeling-batches answers. */
export type DemoBatch = Pick<Schemas['BatchDto'], 'id' | 'filled' | 'status' | 'strategy'> & {
  quotas: Record<string, Pick<Schemas['QuotaOutcomeDto'], 'asked' | 'filled'>>;
  audit: Pick<Schemas['AuditOutcomeDto'], 'filled'>;
};

/**
 * Creates the demo's balanced batch, unless an open one is there already (from an earlier
 * `npm run demo` on the same data), which is reused so that restarts do not pile batches up.
 */
export async function ensureDemoBatch(admin: RelabelClient): Promise<{ batch: DemoBatch; created: boolean }> {
  const path = { model: MODEL_NAME };
  const existing = await admin.get('/api/v1/models/{model}/labeling-batches', { path });
  const open = existing.find((b) => b.status === 'open' && b.filled > 0);
  if (open) return { batch: open, created: false };
  const created = await admin.post('/api/v1/models/{model}/labeling-batches', { path, body: DEMO_BATCH });
  return { batch: created, created: true };
}

/** The banner's lines about the batch. */
export function batchLines(batch: DemoBatch, created: boolean, queueUrl: string): string[] {
  const perClass = Object.entries(batch.quotas)
    .map(([cls, q]) => `${cls} ${q.filled}`)
    .join(', ');
  return [
    `  3. Label right away: the labeling queue is ready at ${queueUrl}`,
    `     ${created ? 'A balanced batch was just created' : 'The balanced batch of an earlier run is still open'}: ${batch.filled} predictions the model is least sure about`,
    `     (${perClass}) and a random audit sample of ${batch.audit.filled}.`,
    '     Keys 1-3 give the label, s skips, u undoes.',
  ];
}
