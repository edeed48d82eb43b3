import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { Principal } from '../../auth/roles.decorator.js';
import { NavService } from './nav.service.js';

/** Gives every page (not the API) its navigation through res.locals, with the model of its path in context. */
@Injectable()
export class NavInterceptor implements NestInterceptor {
  constructor(private readonly nav: NavService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
      if (req.principal && !req.path.startsWith('/api/')) {
        const res = context.switchToHttp().getResponse<Response>();
        const model = typeof req.params?.model === 'string' ? req.params.model : null;
        res.locals.nav = this.nav.view(req.principal.role, model, req.path);
      }
    }
    return next.handle();
  }
}
