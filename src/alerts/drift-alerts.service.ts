import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Db } from '../database/db.js';
import type { AlertDetails, Recommendation } from './alert-message.js';
import { type AlertEntity, OPEN_SLOT } from './alert.entity.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertWebhook } from './webhook.service.js';

/** A drifted (feature, slice) as the monitoring job found it, with its text already written. */
export interface DriftFinding {
  feature: string;
  key: string;
  value: string;
  /** drift or schema. */
  reason: 'drift' | 'schema';
  message: string;
  recommendation: Recommendation;
  details: Record<string, unknown>;
}

const findingId = (feature: string, key: string, value: string) => `${feature}\u0001${key}\u0001${value}`;

/**
 * Drift and schema alerts: the monitoring module decides what drifted; this keeps one open alert per
 * (feature, slice), fires and resolves them and notifies the webhook, like the accuracy alerts.
 */
@Injectable()
export class DriftAlerts {
  constructor(
    private readonly db: Db,
    private readonly repository: AlertsRepository,
    private readonly webhook: AlertWebhook,
  ) {}

  async reconcile(
    model: string,
    findings: DriftFinding[],
    resolution: (f: { feature: string; key: string; value: string }) => string,
    now = Date.now(),
  ) {
    const summary = { fired: 0, resolved: 0, firing: 0 };
    await this.db.tx(async (tx) => {
      const open = await this.repository.openAlerts(tx, model, 'drift');
      const openIds = new Map(open.map((a) => [findingId(a.feature, a.key, a.value), a]));
      const wanted = new Set(findings.map((f) => findingId(f.feature, f.key, f.value)));
      for (const f of findings) {
        const existing = openIds.get(findingId(f.feature, f.key, f.value));
        // Drift details have their own shape; the column is JSON either way.
        const details = f.details as unknown as AlertDetails;
        if (existing) {
          await this.repository.refresh(
            tx,
            existing.id,
            { reason: f.reason, message: f.message, details, recommendation: f.recommendation },
            now,
          );
          continue;
        }
        const alert: AlertEntity = {
          id: randomUUID(),
          kind: 'drift',
          feature: f.feature,
          model,
          sliceKey: f.key,
          sliceValue: f.value,
          state: 'firing',
          openSlot: OPEN_SLOT,
          reason: f.reason,
          message: f.message,
          details,
          recommendation: f.recommendation,
          startedAt: now,
          endedAt: null,
          updatedAt: now,
        };
        if (!(await this.repository.insertFiring(tx, alert))) continue;
        summary.fired++;
        await this.webhook.enqueue(tx, alert, now);
      }
      for (const a of open) {
        if (wanted.has(findingId(a.feature, a.key, a.value))) continue;
        const resolved = await this.repository.resolve(
          tx,
          a.id,
          resolution({ feature: a.feature, key: a.key, value: a.value }),
          now,
        );
        if (!resolved) continue;
        summary.resolved++;
        await this.webhook.enqueue(tx, resolved, now);
      }
      summary.firing = findings.length;
    });
    return summary;
  }
}
