import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthSettingsRepository } from './auth-settings.repository.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { TokensModule } from './tokens.module.js';

/** Tokens, roles, sessions and CSRF. Its guard protects every route of the app. */
@Module({
  imports: [TokensModule],
  providers: [AuthSettingsRepository, AuthService, AdminBootstrap, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, TokensModule],
})
export class AuthModule {}
