import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthSettingsRepository } from './auth-settings.repository.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { FailureLimiter } from './failure-limiter.js';
import { TokensModule } from './tokens.module.js';
import { AppConfig } from '../config/config.js';

/** Tokens, roles, sessions and CSRF. Its guard protects every route of the app. */
@Module({
  imports: [TokensModule],
  providers: [
    AuthSettingsRepository,
    AuthService,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
    {
      provide: FailureLimiter,
      useFactory: (config: AppConfig) => new FailureLimiter(config.AUTH_FAILURE_LIMIT, 60_000),
      inject: [AppConfig],
    },
  ],
  exports: [AuthService, FailureLimiter, TokensModule],
})
export class AuthModule {}
