import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { reasonPhrase, RetryableError } from './api-error.js';
import { faultOf } from './faults.js';

/** Details an error lists at most, and the length of each text in it: the answer stays small whatever the body. */
export const MAX_DETAILS = 100;
const MAX_TEXT = 500;

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/**
 * The one exception filter. Known errors keep their status and message; body-parser errors become
 * 400/413/415; anything unexpected is a 500 without internals, logged with the request id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const { status, body, retryAfter } = this.describe(exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    if (status === 401 && wantsHtml(req)) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(status).json(body);
  }

  private describe(
    exception: unknown,
    req: Request & { id?: string },
  ): { status: number; body: Record<string, unknown>; retryAfter?: number } {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const cause = exception.cause as BodyParserError | undefined;
      // Body-parser errors arrive wrapped, with the parser's error (http-errors: type, expose) as the cause.
      if (cause?.type || cause?.expose) return { status, body: bodyParserBody(status, cause) };
      const retryAfter = exception instanceof RetryableError ? exception.retryAfterSeconds : undefined;
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const r = response as Record<string, unknown>;
        return {
          status,
          retryAfter,
          body: {
            statusCode: status,
            error: typeof r.error === 'string' ? r.error : reasonPhrase(status),
            message: cap(Array.isArray(r.message) ? r.message.join('; ') : String(r.message), 2000),
            ...capDetails(r.details),
          },
        };
      }
      return { status, retryAfter, body: { statusCode: status, error: reasonPhrase(status), message: String(response) } };
    }
    const parserError = exception as BodyParserError;
    const parserStatus = parserError?.status ?? parserError?.statusCode;
    if (parserError?.expose && typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      return { status: parserStatus, body: bodyParserBody(parserStatus, parserError) };
    }
    const fault = faultOf(exception);
    if (fault) {
      this.logger.warn({ err: exception, reqId: req.id }, fault.message);
      return {
        status: fault.status,
        retryAfter: fault.retryAfterSeconds,
        body: { statusCode: fault.status, error: reasonPhrase(fault.status), message: fault.message, requestId: req.id },
      };
    }
    this.logger.error({ err: exception, reqId: req.id }, 'unhandled error');
    return {
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'internal_error', requestId: req.id },
    };
  }
}

function bodyParserBody(status: number, error: BodyParserError) {
  const message = bodyParserMessage(error);
  return { statusCode: status, error: reasonPhrase(status), message, details: [{ field: 'body', message }] };
}

function cap(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Details cut to MAX_DETAILS entries (with how many were left out), each text cut to MAX_TEXT. */
function capDetails(details: unknown): { details?: unknown; detailsOmitted?: number } {
  if (details === undefined) return {};
  if (!Array.isArray(details)) return { details: capValue(details, 0) };
  const kept = details.slice(0, MAX_DETAILS).map((d) => capValue(d, 0));
  return details.length > MAX_DETAILS ? { details: kept, detailsOmitted: details.length - MAX_DETAILS } : { details: kept };
}

function capValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cap(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 3) return '...';
  if (Array.isArray(value)) return value.slice(0, MAX_DETAILS).map((v) => capValue(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, MAX_DETAILS)
      .map(([k, v]) => [cap(k, 200), capValue(v, depth + 1)]),
  );
}

function bodyParserMessage(error: BodyParserError): string {
  switch (error.type) {
    case 'entity.parse.failed':
      return `malformed JSON: ${error.message ?? 'could not parse body'}`;
    case 'entity.too.large':
      return 'request body exceeds the size limit';
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return 'unsupported body encoding';
    default:
      return error.message ?? 'bad request body';
  }
}

function wantsHtml(req: Request): boolean {
  return req.method === 'GET' && !req.path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}
