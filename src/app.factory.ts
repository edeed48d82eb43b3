import 'reflect-metadata';
import { resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { authenticateLimited } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { FailureLimiter } from './auth/failure-limiter.js';
import { ApiError } from './common/api-error.js';
import { jsonBodyParsers, checkRequestText, SMALL_BODY_LIMIT, uploadBodyParser } from './common/request-limits.js';
import { AppConfig } from './config/config.js';
import { openDatabase } from './database/data-source.js';
import { Db } from './database/db.js';
import { WriteTurns } from './database/write-turns.js';
import { httpMetricsMiddleware } from './ops/http-metrics.middleware.js';
import { MetricsService } from './ops/metrics.service.js';
import { setUpDocs } from './ops/docs.js';
import { setUpViews } from './web/views.js';

export const ROOT_DIR = resolve(import.meta.dirname, import.meta.dirname.includes('/dist/') ? '../..' : '..');

/** Builds the application (database migrated, middleware, views, docs) without listening. */
export async function createApp(settings: AppConfig): Promise<NestExpressApplication> {
  // JOB_RUNNER=thread: this thread serves HTTP, a worker thread (started once the app is up) runs the jobs.
  const config = settings.wantsJobThread ? withJobThreadSide(settings, 'api') : settings;
  const turns = config.jobThreadSide === 'api' ? new WriteTurns(WriteTurns.buffer(), 'api') : undefined;
  const db = new Db(await openDatabase(config), turns);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, db), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  configureHttp(app, config);
  return app;
}

/**
 * The job thread's application (src/jobs/job-thread.ts): the same modules without HTTP, on a SQLite
 * connection of its own that takes write turns with the API thread's. Migrations ran on the API side.
 */
export async function createJobThreadApp(settings: Record<string, unknown>, turns: SharedArrayBuffer): Promise<INestApplicationContext> {
  const config = withJobThreadSide(Object.assign(new AppConfig(), settings), 'worker');
  const db = new Db(await openDatabase(config), new WriteTurns(turns, 'job'));
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, db), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
}

function withJobThreadSide(config: AppConfig, side: 'api' | 'worker'): AppConfig {
  return Object.assign(new AppConfig(), config, { jobThreadSide: side });
}

/** Longer URLs get 414 before routing. */
const MAX_URL_LENGTH = 8192;

function configureHttp(app: NestExpressApplication, config: AppConfig): void {
  if (!config.runsApi) {
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (req.path === '/health' || req.path === '/metrics') return next();
      res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'worker_process_serves_only_health_and_metrics' });
    });
  }
  // A URL this long is never one of relabel's; refusing it first keeps it out of redirects and logs.
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.originalUrl.length <= MAX_URL_LENGTH) return next();
    res.status(414).json({
      statusCode: 414,
      error: 'URI Too Long',
      message: 'url_too_long',
      details: [{ field: 'url', message: `at most ${MAX_URL_LENGTH} characters` }],
    });
  });
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      hsts: false,
    }),
  );
  app.use(cookieParser());
  app.use(...jsonBodyParsers(`${config.BODY_LIMIT_MB}mb`, largeBodyGate(app.get(AuthService), app.get(FailureLimiter))));
  app.use(uploadBodyParser(`${config.BODY_LIMIT_MB}mb`, largeBodyGate(app.get(AuthService), app.get(FailureLimiter), ['admin'])));
  app.use(express.urlencoded({ extended: false, limit: SMALL_BODY_LIMIT }));
  app.use(checkRequestText);
  app.useStaticAssets(resolve(ROOT_DIR, 'public'), { prefix: '/static/', maxAge: '1h' });
  setUpViews(app, resolve(ROOT_DIR, 'views'));
  setUpDocs(app, config.PUBLIC_URL);
}

/** Before a large body is read: only a caller with an ingest (or admin) token may make the server read it. */
function largeBodyGate(auth: AuthService, limiter: FailureLimiter, roles: readonly string[] = ['ingest', 'admin']) {
  return (req: express.Request, _res: express.Response, next: express.NextFunction) => {
    authenticateLimited(req, auth, limiter).then((principal) => {
      if (!principal) return next(new ApiError(401, 'missing_or_invalid_token'));
      if (!roles.includes(principal.role)) return next(new ApiError(403, 'role_not_allowed'));
      next();
    }, next);
  };
}

export async function closeApp(app: INestApplication): Promise<void> {
  await app.close();
}
