import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service.js';
import { ApiErrorDetailDto, ApiErrorDto } from '../common/api-error.dto.js';

/**
 * The OpenAPI document, generated from the controllers' and DTOs' decorators. `serverUrl` is the
 * service's public base URL when one is configured; without it the document names its own origin ('/').
 */
export function buildOpenApiDocument(app: INestApplication, serverUrl?: string): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('relabel')
      .setDescription('Prediction log, behaviour-event labels, active learning, live per-slice accuracy and retraining exports.')
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/license/mit')
      .addServer(serverUrl?.replace(/\/+$/, '') || '/', 'this relabel service')
      .addBearerAuth()
      .build(),
    { extraModels: [ApiErrorDto, ApiErrorDetailDto] },
  );
  return withErrorResponses(document);
}

const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorDto' } } };

/** Errors every route can answer (the auth guard, the failure limiter, database faults), beside the ones it declares. */
const COMMON_ERRORS: Record<string, string> = {
  '401': 'missing_or_invalid_token',
  '403': "role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller",
  '429': 'too_many_failed_authentications from this address; Retry-After says when to try again',
  '503': 'database_unavailable; Retry-After (seconds) says when to retry',
};

/**
 * Every error is AllExceptionsFilter's JSON body, so each declared 4xx/5xx gets the ApiErrorDto
 * schema, and each authenticated operation also lists the errors any route can answer.
 */
function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const responses = operation.responses as Record<string, { description: string; content?: unknown }>;
      if (operation.security?.length) {
        for (const [status, description] of Object.entries(COMMON_ERRORS)) responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && !response.content) response.content = ERROR_CONTENT;
      }
    }
  }
  return document;
}

/** OpenAPI at /docs (UI) and /docs/json, generated from the DTOs; admins only. */
export function setUpDocs(app: NestExpressApplication, serverUrl?: string): void {
  const auth = app.get(AuthService);
  app.use(['/docs', '/docs/json', '/docs/yaml'], (req: Request, res: Response, next: NextFunction) => {
    auth.authenticateRequest(req).then(
      (principal) => {
        if (!principal) {
          if ((req.headers.accept ?? '').includes('text/html'))
            return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
          return res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'missing_or_invalid_token' });
        }
        if (principal.role !== 'admin')
          return res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'role_not_allowed' });
        next();
      },
      (error: unknown) => next(error),
    );
  });
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, serverUrl), {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
  });
}
