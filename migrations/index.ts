import { Foundation1764150000000 } from './1764150000000-foundation.js';
import { Explorer1764240000000 } from './1764240000000-explorer.js';
import { Alerts1764190000000 } from './1764190000000-alerts.js';
import { Exports1764200000000 } from './1764200000000-exports.js';
import { Labels1764160000000 } from './1764160000000-labels.js';
import { Labeling1764170000000 } from './1764170000000-labeling.js';
import { Quality1764210000000 } from './1764210000000-quality.js';
import { Monitoring1764220000000 } from './1764220000000-monitoring.js';
import { Slices1764180000000 } from './1764180000000-slices.js';
import { Weak1764230000000 } from './1764230000000-weak.js';
import { Retention1764250000000 } from './1764250000000-retention.js';
import { UncertaintyBuckets1764270000000 } from './1764270000000-uncertainty-buckets.js';
import { ExportRuns1764280000000 } from './1764280000000-export-runs.js';
import { ProfileRevisions1764290000000 } from './1764290000000-profile-revisions.js';
import { FeedbackCells1764300000000 } from './1764300000000-feedback-cells.js';
import { EventsJoinOrder1764310000000 } from './1764310000000-events-join-order.js';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [
  Foundation1764150000000,
  Labels1764160000000,
  Labeling1764170000000,
  Slices1764180000000,
  Alerts1764190000000,
  Exports1764200000000,
  Quality1764210000000,
  Monitoring1764220000000,
  Weak1764230000000,
  Explorer1764240000000,
  Retention1764250000000,
  UncertaintyBuckets1764270000000,
  ExportRuns1764280000000,
  ProfileRevisions1764290000000,
  FeedbackCells1764300000000,
  EventsJoinOrder1764310000000,
];
