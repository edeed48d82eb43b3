import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import hbs from 'hbs';

/** Handlebars views under views/, with a layout and partials. Escapes by default. */
export function setUpViews(app: NestExpressApplication, viewsDir: string): void {
  const handlebars = hbs.create();
  const partialsDir = join(viewsDir, 'partials');
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.hbs')) handlebars.registerPartial(file.slice(0, -4), readFileSync(join(partialsDir, file), 'utf8'));
  }
  registerHelpers(handlebars.handlebars);
  app.engine('hbs', handlebars.__express);
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layout' });
}

function registerHelpers(h: typeof import('handlebars')): void {
  h.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  h.registerHelper('json', (value: unknown) => JSON.stringify(value));
  h.registerHelper('percent', (value: unknown, digits: unknown) =>
    typeof value === 'number' ? `${(value * 100).toFixed(typeof digits === 'number' ? digits : 1)}%` : '–',
  );
  h.registerHelper('datetime', (value: unknown) =>
    typeof value === 'number' ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '',
  );
}
