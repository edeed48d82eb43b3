import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { LoginController } from './login.controller.js';

/** Signing in and out of the web pages. */
@Module({
  imports: [AuthModule],
  controllers: [LoginController],
})
export class LoginPageModule {}
