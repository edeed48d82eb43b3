import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { reasonPhrase } from './api-error.js';

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
    const { status, body } = this.describe(exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status === 401 && wantsHtml(req)) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(status).json(body);
  }

  private describe(exception: unknown, req: Request & { id?: string }) {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const cause = exception.cause as BodyParserError | undefined;
      if (cause?.type) {
        return { status, body: { statusCode: status, error: reasonPhrase(status), message: bodyParserMessage(cause) } };
      }
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const r = response as Record<string, unknown>;
        return {
          status,
          body: {
            statusCode: status,
            error: typeof r.error === 'string' ? r.error : reasonPhrase(status),
            message: Array.isArray(r.message) ? r.message.join('; ') : String(r.message),
            ...(r.details !== undefined ? { details: r.details } : {}),
          },
        };
      }
      return { status, body: { statusCode: status, error: reasonPhrase(status), message: String(response) } };
    }
    const parserError = exception as BodyParserError;
    const parserStatus = parserError?.status ?? parserError?.statusCode;
    if (parserError?.expose && typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      return {
        status: parserStatus,
        body: { statusCode: parserStatus, error: reasonPhrase(parserStatus), message: bodyParserMessage(parserError) },
      };
    }
    this.logger.error({ err: exception, reqId: req.id }, 'unhandled error');
    return {
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'internal_error', requestId: req.id },
    };
  }
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
