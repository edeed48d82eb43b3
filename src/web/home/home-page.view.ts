import type { Principal } from '../../auth/roles.decorator.js';
import type { NavLink } from '../nav/nav.js';

/** What the home page knows of one model; each figure is null when the caller may not see it or there is none. */
export interface HomeModelInput {
  name: string;
  classes: string[];
  predictionsToday: number;
  predictionsTotal: number;
  /** Predictions with an effective label (the slice rollups' overall n). */
  labeled: number;
  accuracy: number | null;
  /** The audit-corrected overall accuracy, when the slices report gives one. */
  estimated: { accuracy: number | null } | null;
  firingAlerts: number;
  openBatches: number;
  /** Admins only. */
  latestExport: { id: string; status: string; createdAt: number; format: string } | null;
  links: NavLink[];
}

export interface HomeModelView {
  name: string;
  anchor: string;
  classes: string;
  predictionsToday: number;
  labeledShare: number | null;
  accuracy: number | null;
  estimatedAccuracy: number | null;
  firingAlerts: number;
  alertsHref: string | null;
  openBatches: number;
  labelingHref: string | null;
  latestExport: { status: string; createdAt: number; format: string; href: string } | null;
  links: NavLink[];
}

export interface HomeView {
  title: string;
  styles: string[];
  isAdmin: boolean;
  canLabel: boolean;
  canRead: boolean;
  models: HomeModelView[];
}

/** `/`: every model at a glance, with links to the pages the caller may open. Ingest tokens see no figures. */
export function homeView(principal: Principal, models: readonly HomeModelInput[]): HomeView {
  const canRead = principal.role !== 'ingest';
  const hrefOf = (links: NavLink[], label: string) => links.find((l) => l.label === label)?.href ?? null;
  return {
    title: 'Home',
    styles: ['pages.css'],
    isAdmin: principal.role === 'admin',
    canLabel: canRead,
    canRead,
    models: canRead
      ? [...models]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((m) => ({
            name: m.name,
            anchor: `model-${m.name}`,
            classes: m.classes.join(', '),
            predictionsToday: m.predictionsToday,
            labeledShare: m.predictionsTotal > 0 ? Math.min(1, m.labeled / m.predictionsTotal) : null,
            accuracy: m.accuracy,
            estimatedAccuracy: m.estimated?.accuracy ?? null,
            firingAlerts: m.firingAlerts,
            alertsHref: hrefOf(m.links, 'Slices'),
            openBatches: m.openBatches,
            labelingHref: hrefOf(m.links, 'Labeling'),
            latestExport: m.latestExport
              ? {
                  status: m.latestExport.status,
                  createdAt: m.latestExport.createdAt,
                  format: m.latestExport.format,
                  href: hrefOf(m.links, 'Exports') ?? `/models/${encodeURIComponent(m.name)}/exports`,
                }
              : null,
            links: m.links,
          }))
      : [],
  };
}

/** Midnight UTC of the day `now` falls in: "today" on the home page. */
export function startOfUtcDay(now: number): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}
