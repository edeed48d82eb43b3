export { idempotentByDefault, RelabelClient, type RawRequestOptions, type RelabelClientOptions } from './client.js';
export { type ApiErrorBody, type ErrorDetail, RelabelError, RelabelNetworkError } from './errors.js';
export {
  BufferedLogger,
  type DropReason,
  EventLogger,
  type EventRow,
  type LoggerOptions,
  type LoggerStats,
  type ModelLoggerOptions,
  PredictionLogger,
  type PredictionRow,
  type RejectedRow,
} from './logger.js';
export { backoffMs, DEFAULT_RETRY, parseRetryAfter, retryableStatus, type RetryPolicy } from './retry.js';
export type { components, operations, paths } from './schema.js';
export type * from './types.js';
