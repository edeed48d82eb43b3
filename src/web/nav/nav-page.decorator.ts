import { SetMetadata } from '@nestjs/common';

export const NAV_PAGE_KEY = 'relabel:nav-page';

/**
 * Registers a model page's GET handler in the shared navigation (its path must hold `:model`).
 * Pages the design names are linked without it (KNOWN_MODEL_PAGES); this names the others or reorders.
 */
export const NavPage = (label: string, order: number) => SetMetadata(NAV_PAGE_KEY, { label, order });
