import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { NavInterceptor } from './nav.interceptor.js';
import { NavService } from './nav.service.js';

/** The shared navigation: which model pages exist, and who may open them. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [NavService, { provide: APP_INTERCEPTOR, useClass: NavInterceptor }],
  exports: [NavService],
})
export class NavModule {}
