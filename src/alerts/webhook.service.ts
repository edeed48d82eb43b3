import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import type { Tx } from '../database/tx.js';
import { errorMessage } from '../jobs/job-options.js';
import type { AlertEntity } from './alert.entity.js';
import { toAlertDto } from './alerts.dto.js';
import { AlertsRepository } from './alerts.repository.js';
import { afterAttempt, WEBHOOK_TIMEOUT_MS } from './webhook-policy.js';
import { webhookText } from './webhook-text.js';

/** Notifications sent per delivery run; the rest wait for the next run. */
const DELIVERY_BATCH = 50;
/** How long a claimed notification stays with the worker sending it (longer than one attempt can take). */
const CLAIM_MS = 60_000;

export interface DeliveryResult {
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * ALERT_WEBHOOK_URL notifications, through an outbox: written with the alert change, sent by a job,
 * retried with backoff. A receiver may see a notification twice (after a crash mid-send), so each
 * carries a deliveryId to deduplicate on.
 */
@Injectable()
export class AlertWebhook {
  private readonly logger = new Logger(AlertWebhook.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repository: AlertsRepository,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.ALERT_WEBHOOK_URL);
  }

  /** Queues a notification in the caller's transaction; does nothing without ALERT_WEBHOOK_URL. */
  async enqueue(tx: Tx, alert: AlertEntity, now: number): Promise<boolean> {
    if (!this.enabled) return false;
    await this.repository.insertNotification(tx, { alertId: alert.id, event: alert.state, payload: this.payload(alert) }, now);
    return true;
  }

  /** Sends what is due, one notification at a time, oldest first. */
  async deliverDue(now = Date.now()): Promise<DeliveryResult> {
    const result: DeliveryResult = { delivered: 0, retrying: 0, failed: 0 };
    const url = this.config.ALERT_WEBHOOK_URL;
    if (!url) return result;
    for (const n of await this.repository.due(now, DELIVERY_BATCH)) {
      if (!(await this.repository.claim(n.seq, now, CLAIM_MS))) continue;
      const error = await post(url, n.payload, `${n.alertId}:${n.event}`);
      const outcome = afterAttempt(n.attempts, error, Date.now());
      await this.repository.recordAttempt(n.seq, outcome, Date.now());
      if (outcome.status === 'delivered') result.delivered++;
      else if (outcome.status === 'failed') {
        result.failed++;
        this.logger.error(`alert webhook gave up on ${n.alertId} (${n.event}) after ${outcome.attempts} attempts: ${error}`);
      } else {
        result.retrying++;
        this.logger.warn(`alert webhook attempt ${outcome.attempts} for ${n.alertId} (${n.event}) failed: ${error}`);
      }
    }
    return result;
  }

  nextDueAt(): Promise<number | null> {
    return this.repository.nextDueAt();
  }

  private payload(alert: AlertEntity): string {
    const dto = toAlertDto(alert);
    const base = (this.config.PUBLIC_URL ?? `http://localhost:${this.config.PORT}`).replace(/\/+$/, '');
    const headline = alert.state === 'firing' ? dto.message : (dto.resolution ?? dto.message);
    return JSON.stringify({
      deliveryId: `${alert.id}:${alert.state}`,
      event: `alert.${alert.state}`,
      text: webhookText(alert.state, alert.model, headline),
      url: `${base}${dto.recommendation.page}`,
      alert: dto,
    });
  }
}

/** POSTs the body; null on a 2xx answer, else why it failed. */
async function post(url: string, body: string, deliveryId: string): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'relabel-alerts', 'x-relabel-delivery': deliveryId },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (error) {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout).
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause ? `${errorMessage(error)}: ${cause.code ?? cause.message}` : errorMessage(error);
  }
}
