import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueue, QueueName } from '../jobs/job-queue.js';
import { JobRecovery } from '../jobs/job-recovery.js';
import { AlertsService } from './alerts.service.js';
import { AlertWebhook } from './webhook.service.js';

export const ALERT_TICK_JOB = 'tick';
export const WEBHOOK_JOB = 'deliver';
/**
 * How often each model's numbers are looked at. A model is evaluated when they changed (labels
 * arrived and were rolled up) and at least every FULL_EVALUATION_EVERY_MS.
 */
export const ALERT_TICK_EVERY_MS = 5000;

/** Runs alert evaluation on a schedule, and webhook delivery when notifications are due. */
@Injectable()
export class AlertsProcessor implements OnModuleInit {
  private readonly logger = new Logger(AlertsProcessor.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly recovery: JobRecovery,
    private readonly alerts: AlertsService,
    private readonly webhook: AlertWebhook,
  ) {}

  onModuleInit(): void {
    // Two at a time, so that a slow webhook receiver never holds up evaluation.
    this.jobs.process(QueueName.Alerts, (job) => (job.name === WEBHOOK_JOB ? this.deliver() : this.tick()), { concurrency: 2 });
    this.recovery.register('alerts', async () => {
      await this.jobs.repeat(QueueName.Alerts, ALERT_TICK_JOB, ALERT_TICK_EVERY_MS, {});
      await this.scheduleDelivery();
    });
  }

  private async tick() {
    const summary = await this.alerts.tick();
    // Also picks up notifications whose backoff ran out while no delivery job was waiting.
    await this.scheduleDelivery();
    return summary;
  }

  private async deliver() {
    const result = await this.webhook.deliverDue();
    if (result.delivered + result.retrying + result.failed > 0) this.logger.debug(result, 'alert webhook');
    await this.scheduleDelivery();
    return result;
  }

  /**
   * Queues a delivery run for when the next notification is due. The job id carries the due time: a
   * run already waiting for a later retry must not hold back a notification due sooner.
   */
  private async scheduleDelivery(): Promise<void> {
    if (!this.webhook.enabled) return;
    const at = await this.webhook.nextDueAt();
    if (at === null) return;
    await this.jobs.add(
      QueueName.Alerts,
      WEBHOOK_JOB,
      {},
      { jobId: `alerts-deliver:${at}`, delayMs: Math.max(0, at - Date.now()) },
    );
  }
}
