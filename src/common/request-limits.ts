import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';

/** Deeper JSON than this is refused before it is parsed: class-transformer recurses once per level. */
export const MAX_JSON_DEPTH = 32;
/** Body limit of every route but the ingest routes (which take batches of up to 10,000 rows). */
export const SMALL_BODY_LIMIT = '1mb';
/** The routes that take large bodies; only a caller with an ingest or admin token may send one. */
export const INGEST_ROUTE = /^\/api\/v1\/(?:predictions|events|models\/[^/]+\/lf-votes)\/?$/;

export class BodyError extends Error {
  readonly status = 400;
  readonly expose = true;
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The route that also takes a file (a baseline's training rows as CSV or Parquet), and the file types it takes. */
export const UPLOAD_ROUTE = /^\/api\/v1\/models\/[^/]+\/baselines\/?$/;
export const UPLOAD_TYPES = ['text/csv', 'application/vnd.apache.parquet', 'application/x-parquet', 'application/octet-stream'];

/**
 * Reads a file upload into a Buffer (req.body) up to `limit`; `admit` runs first, so that only an
 * authorised caller can make the server read it. Other routes and types pass through untouched.
 */
export function uploadBodyParser(
  limit: string,
  admit: (req: Request, res: Response, next: NextFunction) => void,
): RequestHandler {
  const raw = express.raw({ type: UPLOAD_TYPES, limit });
  return (req, res, next) => {
    if (req.method !== 'POST' || !UPLOAD_ROUTE.test(req.path) || !req.is(UPLOAD_TYPES)) return next();
    admit(req, res, (error?: unknown) => (error ? next(error) : raw(req, res, next)));
  };
}

/** Whether a JSON text nests objects and arrays deeper than `max`; reads bytes, so it costs one pass. */
export function jsonDepthExceeds(body: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The JSON body parsers: bodies are checked for depth before they are parsed; the ingest routes take
 * up to `ingestLimit`, every other route up to SMALL_BODY_LIMIT. `admitLarge` runs before a large
 * body is read, so that only an authenticated ingest caller can make the server read 16 MB.
 */
export function jsonBodyParsers(
  ingestLimit: string,
  admitLarge: (req: Request, res: Response, next: NextFunction) => void,
): RequestHandler[] {
  const verify = (_req: unknown, _res: unknown, body: Buffer) => {
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
      throw new BodyError('entity.too.deep', `JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
  };
  const large = express.json({ limit: ingestLimit, strict: true, verify });
  const small = express.json({ limit: SMALL_BODY_LIMIT, strict: true, verify });
  return [
    (req, res, next) => {
      if (req.method !== 'POST' || !INGEST_ROUTE.test(req.path)) return small(req, res, next);
      admitLarge(req, res, (error?: unknown) => (error ? next(error) : large(req, res, next)));
    },
  ];
}

/** The first string under `value` holding NUL, as a dotted path; null when there is none. */
export function pathOfNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null || depth > MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathOfNul(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (key.includes('\u0000')) return `${path}.${key.split('\u0000').join('\\u0000')}`;
    const found = pathOfNul((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses a path that does not decode, and NUL in the path, the query and (but for the ingest routes,
 * whose row checks name the row and field) the body: PostgreSQL text cannot hold NUL, so it would
 * otherwise surface as a 500.
 */
export function checkRequestText(req: Request, res: Response, next: NextFunction): void {
  const problem = pathProblem(req.originalUrl.split('?')[0]) ?? nulProblem(req);
  if (!problem) return next();
  res.status(400).json({
    statusCode: 400,
    error: 'Bad Request',
    message: `invalid request: ${problem.field}: ${problem.message}`,
    details: [problem],
  });
}

const NUL_MESSAGE = 'must not contain NUL (\\u0000)';

function pathProblem(path: string): { field: string; message: string } | null {
  if (/%00/i.test(path)) return { field: 'path', message: NUL_MESSAGE };
  try {
    decodeURIComponent(path);
    return null;
  } catch {
    return { field: 'path', message: 'is not valid percent-encoded UTF-8' };
  }
}

function nulProblem(req: Request): { field: string; message: string } | null {
  // A file upload (a Buffer) is checked by its reader, which names the line.
  const body = Buffer.isBuffer(req.body) || INGEST_ROUTE.test(req.path) ? null : req.body;
  const field = pathOfNul(req.query, 'query') ?? (body === null ? null : pathOfNul(body, 'body'));
  return field ? { field: field.replace(/^(query|body)\./, ''), message: NUL_MESSAGE } : null;
}
