import { HttpException, HttpStatus } from '@nestjs/common';

export interface ErrorDetail {
  /** Row index in a batch, when the error belongs to one row. */
  index?: number;
  field: string;
  message: string;
  [extra: string]: unknown;
}

/** Errors are JSON: {statusCode, error, message, details?}. message is stable and machine-readable. */
export class ApiError extends HttpException {
  constructor(status: HttpStatus, message: string, details?: ErrorDetail[] | Record<string, unknown>) {
    super({ statusCode: status, error: reasonPhrase(status), message, ...(details ? { details } : {}) }, status);
  }
}

/** An error the client may retry after a while: the filter sends its Retry-After header (seconds). */
export class RetryableError extends ApiError {
  constructor(
    status: HttpStatus,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(status, message);
  }
}

export function reasonPhrase(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'Not Found';
    case 409:
      return 'Conflict';
    case 413:
      return 'Payload Too Large';
    case 415:
      return 'Unsupported Media Type';
    case 422:
      return 'Unprocessable Entity';
    case 429:
      return 'Too Many Requests';
    case 503:
      return 'Service Unavailable';
    case 507:
      return 'Insufficient Storage';
    default:
      return status >= 500 ? 'Internal Server Error' : 'Error';
  }
}

export const badRequest = (message: string, details?: ErrorDetail[]) => new ApiError(400, message, details);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string, details?: ErrorDetail[] | Record<string, unknown>) =>
  new ApiError(409, message, details);
