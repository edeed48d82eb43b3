import { Injectable, type OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ROLES_KEY } from '../../auth/roles.decorator.js';
import type { TokenRole } from '../../auth/token.entity.js';
import { NAV_PAGE_KEY } from './nav-page.decorator.js';
import { KNOWN_MODEL_PAGES, type ModelPageRoute, modelLinks, navView } from './nav.js';

/**
 * The model pages this process mounts, found once from the controllers' metadata: a GET handler whose
 * path holds `:model` and that is declared with @NavPage() or named in KNOWN_MODEL_PAGES. So the
 * navigation links exactly the pages that exist, each to the roles its @Roles() allows.
 */
@Injectable()
export class NavService implements OnModuleInit {
  private pages: ModelPageRoute[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    this.pages = this.discover();
  }

  get modelPages(): readonly ModelPageRoute[] {
    return this.pages;
  }

  links(role: TokenRole, model: string) {
    return modelLinks(this.pages, role, model);
  }

  view(role: TokenRole, model: string | null, currentPath: string) {
    return navView(this.pages, role, model, currentPath);
  }

  private discover(): ModelPageRoute[] {
    const found = new Map<string, ModelPageRoute>();
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
        const path = joinPath(Reflect.getMetadata(PATH_METADATA, metatype), Reflect.getMetadata(PATH_METADATA, handler));
        if (!path.includes(':model')) continue;
        const named =
          this.reflector.get<{ label: string; order: number } | undefined>(NAV_PAGE_KEY, handler) ?? KNOWN_MODEL_PAGES[path];
        if (!named) continue;
        const roles = this.reflector.getAllAndOverride<TokenRole[] | undefined>(ROLES_KEY, [handler, metatype]) ?? [];
        found.set(path, { path, label: named.label, order: named.order, roles });
      }
    }
    return [...found.values()];
  }
}

function joinPath(...parts: unknown[]): string {
  const segments = parts
    .flatMap((p) => (Array.isArray(p) ? p.slice(0, 1) : [p]))
    .filter((p): p is string => typeof p === 'string')
    .flatMap((p) => p.split('/'))
    .filter((s) => s.length > 0);
  return `/${segments.join('/')}`;
}
