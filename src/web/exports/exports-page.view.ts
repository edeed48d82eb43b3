import { EXPORT_FORMATS, MITIGATIONS } from '../../exports/export-row.js';
import type { ExportEntity } from '../../exports/export.entity.js';
import type { FeedbackCheck, FeedbackReport } from '../../feedback/feedback.types.js';
import { LABEL_SOURCES } from '../../models/model-settings.js';

/** The new-export form as the page shows it (and shows it again after a refusal). */
export interface ExportFormValues {
  format: string;
  from: string;
  to: string;
  versions: string;
  labelSources: string[];
  validation: string;
  splitBy: string;
  seed: string;
  mitigation: string;
}

export interface ExportsPageInput {
  model: string;
  defaultValidation: number;
  report: FeedbackReport;
  /** When the report shown was computed, if it came from the cache of slow reports (FeedbackService.recentReport). */
  reportAsOf?: number | null;
  exports: ExportEntity[];
  created?: string | null;
  form?: ExportFormValues;
  refusal?: FeedbackCheck[];
  error?: string;
}

const MITIGATION_TEXT: Record<string, string> = {
  none: 'None: every row weighs 1',
  ips_weights: 'IPS weights: 1/propensity, clipped and normalised to mean 1',
  explore_only: 'Explore only: just the rows exploration chose',
  downsample_model_driven: 'Downsample model-driven labels to as many as the others',
  class_balance: 'Class balance: equal total weight per class',
  label_quality: 'Label quality: weight each label by how likely it is right (from human labels), balance classes',
};

const MITIGATION_SHORT: Record<string, string> = {
  none: 'No mitigation',
  ips_weights: 'IPS weights',
  explore_only: 'Explore only',
  downsample_model_driven: 'Model-driven labels downsampled',
  class_balance: 'Class balance',
  label_quality: 'Label quality',
};

const SEVERITY_TEXT: Record<string, string> = { ok: 'ok', warn: 'warning', block: 'blocking', unknown: 'cannot tell' };

export function humanise(name: string): string {
  const text = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function numberText(value: number | null): string {
  if (value === null) return '–';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function checkView(check: FeedbackCheck) {
  return {
    name: check.name,
    label: humanise(check.name),
    severity: check.severity,
    severityText: SEVERITY_TEXT[check.severity] ?? check.severity,
    value: numberText(check.value),
    threshold: numberText(check.threshold),
    interval: check.interval ? `${numberText(check.interval[0])} to ${numberText(check.interval[1])}` : null,
    explanation: check.explanation,
    action: check.action,
    finding: check.severity === 'warn' || check.severity === 'block',
  };
}

function classesText(byClass: Record<string, number>): string {
  return Object.entries(byClass)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(' · ');
}

function exportView(e: ExportEntity) {
  const m = e.manifest;
  return {
    id: e.id,
    shortId: e.id.slice(0, 8),
    format: e.format,
    status: e.status,
    progress: e.status === 'done' ? null : `${Math.round(e.progress * 100)}%`,
    createdAt: e.createdAt,
    requestedBy: e.requestedBy,
    mitigation: MITIGATION_SHORT[e.parameters.mitigation] ?? e.parameters.mitigation,
    split: `${Math.round(e.parameters.split.validation * 100)}% validation by ${e.parameters.split.by}`,
    rows: m ? m.rowCount : null,
    classes: m ? classesText(m.counts.byClass) : null,
    sha256: m ? m.sha256.slice(0, 12) : null,
    acknowledged: e.acknowledgement
      ? `${e.acknowledgement.by.name} acknowledged ${e.acknowledgement.checks.map((c) => humanise(c.name)).join(', ')}`
      : null,
    error: e.error,
    downloadHref: e.status === 'done' ? `/api/v1/exports/${e.id}/download` : null,
  };
}

export function defaultForm(defaultValidation: number): ExportFormValues {
  return {
    format: 'parquet',
    from: '',
    to: '',
    versions: '',
    labelSources: [...LABEL_SOURCES],
    validation: String(defaultValidation),
    splitBy: 'random',
    seed: '0',
    mitigation: 'none',
  };
}

/** The exports page: the report, the new-export form and the list of exports. */
export function exportsPageView(input: ExportsPageInput) {
  const form = input.form ?? defaultForm(input.defaultValidation);
  const checks = input.report.checks.map(checkView);
  const created = input.created ? input.exports.find((e) => e.id === input.created) : undefined;
  return {
    title: `${input.model} · exports`,
    styles: ['exports.css'],
    model: input.model,
    report: {
      worst: input.report.worst,
      asOf: input.reportAsOf ? new Date(input.reportAsOf).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : null,
      checks,
      findings: checks.filter((c) => c.finding).length,
      hasWarnings: checks.some((c) => c.severity === 'warn'),
      hasBlocking: checks.some((c) => c.severity === 'block'),
    },
    form: {
      ...form,
      formats: EXPORT_FORMATS.map((value) => ({ value, selected: value === form.format })),
      labelSources: LABEL_SOURCES.map((value) => ({ value, checked: form.labelSources.includes(value) })),
      splits: ['random', 'time'].map((value) => ({ value, selected: value === form.splitBy })),
      mitigations: MITIGATIONS.map((value) => ({ value, text: MITIGATION_TEXT[value], selected: value === form.mitigation })),
    },
    created: created ? { shortId: created.id.slice(0, 8), format: created.format, done: created.status === 'done' } : null,
    refusal: input.refusal && input.refusal.length > 0 ? input.refusal.map((c) => humanise(c.name)).join(', ') : null,
    error: input.error ?? null,
    exports: input.exports.map(exportView),
  };
}
