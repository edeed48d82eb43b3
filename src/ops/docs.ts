import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AuthService } from '../auth/auth.service.js';

/** OpenAPI at /docs (UI) and /docs/json, generated from the DTOs; admins only. */
export function setUpDocs(app: NestExpressApplication): void {
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
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('relabel')
      .setDescription('Prediction log, behaviour-event labels, active learning, live per-slice accuracy and retraining exports.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}
