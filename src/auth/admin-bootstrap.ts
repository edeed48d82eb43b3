import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { TokensService } from './tokens.service.js';

export const ENV_ADMIN_NAME = 'env-admin';
export const FIRST_ADMIN_NAME = 'admin';

/**
 * Makes sure someone can administer the service: the ADMIN_TOKEN from the environment, or else, on
 * the very first start, a generated admin token printed once to stdout.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly tokens: TokensService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The API side bootstraps; a job thread or worker process starts against a database it already set up.
    if (!this.config.runsApi) return;
    if (this.config.ADMIN_TOKEN) {
      const outcome = await this.tokens.ensureSecret(this.config.ADMIN_TOKEN, ENV_ADMIN_NAME);
      // Revival would undo an admin's deliberate revocation of a leaked token.
      if (outcome === 'revoked') this.logger.warn('ADMIN_TOKEN was revoked and stays revoked; set a new ADMIN_TOKEN');
      if (outcome === 'not_admin') this.logger.warn('ADMIN_TOKEN is an existing token without the admin role; it keeps its role');
      return;
    }
    const secret = await this.tokens.createFirstAdmin(FIRST_ADMIN_NAME);
    if (secret) process.stdout.write(firstAdminBanner(secret, loginUrl(this.config)));
  }
}

export function loginUrl(config: Pick<AppConfig, 'PUBLIC_URL' | 'PORT'>): string {
  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  return `${base.replace(/\/+$/, '')}/login`;
}

/** The box shown once on first start: it is the only time anyone sees this secret. */
export function firstAdminBanner(secret: string, url: string): string {
  const lines = [
    'relabel: first start, so an admin token was created.',
    'It is shown only this once; keep it somewhere safe.',
    '',
    `  admin token: ${secret}`,
    `  sign in at:  ${url}`,
    '',
    'Create more tokens with `npm run token -- create --role labeler --name alice`.',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return ['', rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule, '', ''].join('\n');
}
