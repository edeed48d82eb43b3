import { Module } from '@nestjs/common';

// Placeholder: replaced by the auth module (tokens, guard, sessions, CSRF, login page).
@Module({})
export class AuthModule {}
