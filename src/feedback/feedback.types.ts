export type FeedbackSeverity = 'ok' | 'warn' | 'block' | 'unknown';

export interface FeedbackCheck {
  name: string;
  value: number | null;
  threshold: number | null;
  severity: FeedbackSeverity;
  explanation: string;
  action: string;
  interval?: [number, number];
}

export interface FeedbackReport {
  model: string;
  window: { from: string | null; to: string | null };
  version: string | null;
  worst: 'ok' | 'warn' | 'block';
  checks: FeedbackCheck[];
  /** The mitigation an export without one uses, and why (absent on reports stored before it existed). */
  recommendation?: { mitigation: string; reason: string };
}

export interface FeedbackQuery {
  from?: number | null;
  to?: number | null;
  version?: string | null;
}
