import { Foundation1764150000000 } from './1764150000000-foundation.js';
import { Alerts1764190000000 } from './1764190000000-alerts.js';
import { Exports1764200000000 } from './1764200000000-exports.js';
import { Labels1764160000000 } from './1764160000000-labels.js';
import { Labeling1764170000000 } from './1764170000000-labeling.js';
import { Monitoring1764220000000 } from './1764220000000-monitoring.js';
import { Slices1764180000000 } from './1764180000000-slices.js';

/** Every migration, oldest first. A new migration is added here as well as in this folder. */
export const MIGRATIONS = [
  Foundation1764150000000,
  Labels1764160000000,
  Labeling1764170000000,
  Slices1764180000000,
  Alerts1764190000000,
  Exports1764200000000,
  Monitoring1764220000000,
];
