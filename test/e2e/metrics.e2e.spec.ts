import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSqliteBusyRetry } from '../../src/ops/sqlite-busy.js';
import { anEvent, SHOP_RULES } from '../factories/events.js';
import { registerModel } from '../factories/models.js';
import { SHOP_MODEL } from '../factories/predictions.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { PROJECT_ROOT } from '../support/child-service.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await registerModel(t.http, t.adminToken, 'shop', { ...SHOP_MODEL, ...SHOP_RULES });
});
afterAll(() => t.close());

async function scrape(): Promise<string> {
  const res = await t.http().get('/metrics').set('Authorization', `Bearer ${t.adminToken}`);
  expect(res.status).toBe(200);
  return res.text;
}

/** Metric names /metrics declares (# TYPE lines), with the series names histograms add. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no sample ${series} in /metrics`);
  return Number(line.slice(series.length + 1));
}

const namesIn = (text: string) => new Set(text.match(/\brelabel_[a-z0-9_]+/g) ?? []);

describe('operational metrics', () => {
  it('exposes every metric the Grafana dashboard queries', async () => {
    const dashboard = JSON.parse(readFileSync(join(PROJECT_ROOT, 'deploy/grafana/relabel.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { query?: unknown }[] };
    };
    const exprs = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : '')),
    ];
    const used = new Set(exprs.flatMap((expr) => [...namesIn(expr)]));
    expect(used.size).toBeGreaterThan(10);
    const exposed = exposedNames(await scrape());
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('exposes every metric the Prometheus alert rules use', async () => {
    const used = namesIn(readFileSync(join(PROJECT_ROOT, 'deploy/prometheus/alerts.yml'), 'utf8'));
    expect(used.size).toBeGreaterThanOrEqual(5);
    const exposed = exposedNames(await scrape());
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('reports the join backlog: an event whose prediction is unknown waits as pending', async () => {
    const before = value(await scrape(), 'relabel_event_join_backlog{state="pending"}');
    const res = await t
      .http()
      .post('/api/v1/events')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ events: [anEvent('never-logged-1'), anEvent('never-logged-2')] });
    expect(res.status).toBe(202);
    const text = await scrape();
    expect(value(text, 'relabel_event_join_backlog{state="pending"}')).toBe(before + 2);
    expect(value(text, 'relabel_event_join_lag_seconds{state="pending"}')).toBeGreaterThanOrEqual(0);
  });

  it('reports database size, free disk, an empty rollup outbox and no open exports', async () => {
    const text = await scrape();
    expect(value(text, 'relabel_database_size_bytes')).toBeGreaterThan(4096);
    expect(value(text, 'relabel_data_dir_free_bytes')).toBeGreaterThan(0);
    expect(value(text, 'relabel_data_dir_free_bytes')).toBeLessThanOrEqual(value(text, 'relabel_data_dir_size_bytes'));
    expect(value(text, 'relabel_exports_open{status="queued"}')).toBe(0);
    expect(value(text, 'relabel_labeling_tasks{model="shop",status="pending"}')).toBe(0);
  });

  it('counts SQLite busy retries bumped by the database layer', async () => {
    const before = value(await scrape(), 'relabel_sqlite_busy_retries_total');
    countSqliteBusyRetry(3);
    expect(value(await scrape(), 'relabel_sqlite_busy_retries_total')).toBe(before + 3);
  });
});
