import type { NextFunction, Request, Response } from 'express';
import { noteRequest } from './foreground.js';
import type { MetricsService } from './metrics.service.js';

/** The routes that hand a labeler a task: the API's lease and the web queue page. */
const LEASE_ROUTES = new Map([
  ['GET /api/v1/models/:model/labeling/next', 'api'],
  ['GET /labeling/:model', 'web'],
]);

/**
 * Counts every request by the route pattern it matched (not the raw path, to bound cardinality), and
 * notes reads for the background drains' step sizes (foreground.ts).
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction) => {
    noteRequest(req.method, req.path);
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      const lease = LEASE_ROUTES.get(`${req.method} ${route}`);
      if (lease && res.statusCode === 200) metrics.labelingLeases.inc({ via: lease });
    });
    next();
  };
}
