import { describe, expect, it } from 'vitest';
import type { ExportEntity } from '../../exports/export.entity.js';
import type { FeedbackReport } from '../../feedback/feedback.types.js';
import { exportsPageView, humanise } from './exports-page.view.js';

const report: FeedbackReport = {
  model: 'shop',
  window: { from: null, to: null },
  version: null,
  worst: 'block',
  checks: [
    {
      name: 'exploration_share',
      value: 0,
      threshold: 0.05,
      severity: 'block',
      explanation: 'No exploration.',
      action: 'Explore.',
    },
    { name: 'implicit_echo', value: 0.123456, threshold: null, severity: 'ok', explanation: 'Fine.', action: 'None.' },
  ],
};

function anExport(overrides: Partial<ExportEntity> = {}): ExportEntity {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    model: 'shop',
    format: 'csv',
    status: 'done',
    parameters: {
      format: 'csv',
      from: null,
      to: null,
      versions: [],
      labelSources: [],
      split: { validation: 0.1, by: 'random', seed: 0 },
      mitigation: 'ips_weights',
      maxIpsWeight: 20,
    },
    report,
    acknowledgement: {
      by: { tokenId: 't', name: 'carol' },
      at: '',
      checks: [{ name: 'exploration_share', severity: 'block', value: 0, threshold: 0.05 }],
    },
    requestedBy: 'carol',
    progress: 1,
    error: null,
    createdAt: 0,
    startedAt: 0,
    runToken: null,
    finishedAt: 1,
    manifest: null,
    ...overrides,
  };
}

describe('exportsPageView', () => {
  it('humanises check names', () => {
    expect(humanise('exploration_share')).toBe('Exploration share');
    expect(humanise('classPriorShift')).toBe('Class prior shift');
  });

  it('counts findings and says which acknowledgements the form needs', () => {
    const view = exportsPageView({ model: 'shop', defaultValidation: 0.1, report, exports: [] });
    expect(view.report).toMatchObject({ findings: 1, hasWarnings: false, hasBlocking: true });
    expect(view.report.checks[1].value).toBe('0.123');
  });

  it('shows progress while running and a download link with the manifest summary once done', () => {
    const running = exportsPageView({
      model: 'shop',
      defaultValidation: 0.1,
      report,
      exports: [anExport({ status: 'running', progress: 0.42, acknowledgement: null })],
    }).exports[0];
    expect(running).toMatchObject({ progress: '42%', downloadHref: null, acknowledged: null });
    const manifest = {
      rowCount: 3,
      sha256: 'abcdef0123456789',
      counts: { byClass: { a: 1, b: 2 } },
    } as unknown as ExportEntity['manifest'];
    const done = exportsPageView({ model: 'shop', defaultValidation: 0.1, report, exports: [anExport({ manifest })] }).exports[0];
    expect(done).toMatchObject({
      progress: null,
      mitigation: 'IPS weights',
      rows: 3,
      classes: 'b 2 · a 1',
      sha256: 'abcdef012345',
      acknowledged: 'carol acknowledged Exploration share',
      downloadHref: '/api/v1/exports/11111111-2222-4333-8444-555555555555/download',
    });
  });

  it('keeps the form as sent after a refusal and names what was not acknowledged', () => {
    const view = exportsPageView({
      model: 'shop',
      defaultValidation: 0.1,
      report,
      exports: [],
      refusal: [report.checks[0]],
      form: {
        format: 'jsonl',
        from: '',
        to: '',
        versions: 'v2',
        labelSources: ['manual'],
        validation: '0.2',
        splitBy: 'time',
        seed: '3',
        mitigation: 'class_balance',
      },
    });
    expect(view.refusal).toBe('Exploration share');
    expect(view.form.formats.find((f) => f.selected)?.value).toBe('jsonl');
    expect(view.form.labelSources.filter((s) => s.checked).map((s) => s.value)).toEqual(['manual']);
    expect(view.form.mitigations.find((m) => m.selected)?.value).toBe('class_balance');
  });
});
