import { Injectable } from '@nestjs/common';
import { MetricsService } from '../ops/metrics.service.js';
import type { EffectiveChange } from './labels.repository.js';

const HOUR = 3600;

@Injectable()
export class LabelMetrics {
  readonly events;
  readonly labels;
  readonly written;
  private readonly joinLag;

  constructor(metrics: MetricsService) {
    this.events = metrics.counter(
      'relabel_events_total',
      'Behaviour events by what became of them: joined, pending, applied, matched, late, no_rule, orphaned',
      ['state'],
    );
    this.labels = metrics.counter('relabel_effective_label_changes_total', 'Changes of effective labels, by the new source', [
      'source',
    ]);
    this.written = metrics.counter('relabel_labels_total', 'Label rows written (created or updated), by source', ['source']);
    this.joinLag = metrics.histogram(
      'relabel_label_join_lag_seconds',
      'From the prediction to the label it got, by label source',
      ['source'],
      [1, 10, 60, 300, 900, 1800, HOUR, 3 * HOUR, 12 * HOUR, 24 * HOUR, 3 * 24 * HOUR, 7 * 24 * HOUR],
    );
  }

  observeJoinLag(source: 'direct' | 'implicit' | 'manual' | 'audit', ms: number): void {
    this.joinLag.observe({ source }, Math.max(0, ms) / 1000);
  }

  observeChanges(changes: EffectiveChange[]): void {
    for (const c of changes) this.labels.inc({ source: c.after?.source ?? 'none' });
  }
}
