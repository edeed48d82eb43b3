import type { components } from './schema.js';

/** relabel's error body: {statusCode, error, message, details?}. */
export type ApiErrorBody = components['schemas']['ApiErrorDto'];

/** One bad field of a request, with its row index when it belongs to one row of a batch. */
export interface ErrorDetail {
  index?: number;
  field: string;
  message: string;
  [extra: string]: unknown;
}

/** An error answer from relabel (any status outside the expected ones), with its parsed body. */
export class RelabelError extends Error {
  override readonly name = 'RelabelError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** The parsed JSON error body, or the text of a non-JSON answer. */
    readonly body: unknown,
    /** Retry-After, in milliseconds, when the answer carried one. */
    readonly retryAfterMs?: number,
  ) {
    super(`${method} ${path} answered ${status}: ${describe(body)}`);
  }

  /** The stable, machine-readable message, such as model_not_found (up to the first ':'). */
  get code(): string | undefined {
    const message = (this.body as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message.split(':')[0] : undefined;
  }

  /** relabel's `details`: the bad fields (with row index in batches), or an object for some 409s. */
  get details(): ErrorDetail[] | Record<string, unknown> | undefined {
    const details = (this.body as { details?: unknown } | null)?.details;
    return typeof details === 'object' && details !== null ? (details as ErrorDetail[] | Record<string, unknown>) : undefined;
  }

  /** The details that name a row of a batch. */
  get rowErrors(): (ErrorDetail & { index: number })[] {
    const details = this.details;
    return Array.isArray(details) ? details.filter((d): d is ErrorDetail & { index: number } => Number.isInteger(d.index)) : [];
  }
}

/** No answer at all: the connection failed, was cut, or the attempt timed out. */
export class RelabelNetworkError extends Error {
  override readonly name = 'RelabelNetworkError';

  constructor(
    readonly method: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`${method} ${path} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function describe(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500) || '(empty body)';
  const b = body as { message?: unknown; details?: unknown } | null;
  const details = Array.isArray(b?.details) ? ` ${JSON.stringify(b.details.slice(0, 5))}` : '';
  return `${typeof b?.message === 'string' ? b.message : JSON.stringify(body)?.slice(0, 500)}${details}`;
}
