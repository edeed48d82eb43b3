import { roleAllows } from '../../auth/auth.guard.js';
import type { TokenRole } from '../../auth/token.entity.js';

/** A page of one model, as the router mounts it: its path template holds `:model`. */
export interface ModelPageRoute {
  /** e.g. /models/:model/slices */
  path: string;
  label: string;
  /** Position in the navigation, lowest first. */
  order: number;
  /** The roles its @Roles() lists (admin passes every check). */
  roles: readonly TokenRole[];
}

export interface NavLink {
  label: string;
  href: string;
  current: boolean;
}

export interface NavView {
  /** Set on a model's pages: the model and the links to its pages the caller may open. */
  model: { name: string; href: string; links: NavLink[] } | null;
}

/**
 * Labels of the pages the design names, for the page handlers that do not declare their own with
 * @NavPage(): a page is linked once its route is mounted, whoever wrote it.
 */
export const KNOWN_MODEL_PAGES: Record<string, { label: string; order: number }> = {
  '/models/:model/slices': { label: 'Slices', order: 10 },
  '/models/:model/predictions': { label: 'Predictions', order: 20 },
  '/labeling/:model': { label: 'Labeling', order: 30 },
  '/models/:model/quality': { label: 'Label quality', order: 40 },
  '/models/:model/monitoring': { label: 'Monitoring', order: 50 },
  '/models/:model/labeling-functions': { label: 'Labeling functions', order: 60 },
  '/models/:model/exports': { label: 'Exports', order: 70 },
  '/models/:model/settings': { label: 'Settings', order: 80 },
};

export function modelPageHref(path: string, model: string): string {
  return path.replace(':model', encodeURIComponent(model));
}

/** The model's pages the role may open, in navigation order; `currentPath` (a request path) marks one current. */
export function modelLinks(pages: readonly ModelPageRoute[], role: TokenRole, model: string, currentPath = ''): NavLink[] {
  return [...pages]
    .filter((p) => roleAllows(role, p.roles))
    .sort((a, b) => a.order - b.order || a.path.localeCompare(b.path))
    .map((p) => {
      const href = modelPageHref(p.path, model);
      return { label: p.label, href, current: currentPath === href || currentPath.startsWith(`${href}/`) };
    });
}

/** The navigation of a page: the current model's pages when the page belongs to a model. */
export function navView(pages: readonly ModelPageRoute[], role: TokenRole, model: string | null, currentPath: string): NavView {
  if (model === null || role === 'ingest') return { model: null };
  return {
    model: { name: model, href: `/#model-${encodeURIComponent(model)}`, links: modelLinks(pages, role, model, currentPath) },
  };
}
