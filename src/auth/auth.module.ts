import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuthSettingsRepository } from './auth-settings.repository.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { TokensController } from './tokens.controller.js';
import { TokensRepository } from './tokens.repository.js';
import { TokensService } from './tokens.service.js';

/** Tokens, roles, sessions and CSRF. Its guard protects every route of the app. */
@Module({
  controllers: [TokensController],
  providers: [
    TokensRepository,
    AuthSettingsRepository,
    TokensService,
    AuthService,
    AdminBootstrap,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, TokensService],
})
export class AuthModule {}
