import { captureTraceContext, type TraceCarrier } from '../ops/telemetry.js';

/**
 * BullMQ jobs cross processes, so the enqueuing span's context travels in the job data under this
 * key, and is taken out again before the handler sees the data.
 */
export const TRACE_KEY = '__trace';

/** Object data gets the current trace context (when tracing is on); other data goes as it is. */
export function attachTraceContext<T>(data: T): T {
  const trace = captureTraceContext();
  if (!trace || !isPlainObject(data)) return data;
  return { ...data, [TRACE_KEY]: trace };
}

/** Splits stored job data into the handler's data and the carried trace context, if any. */
export function detachTraceContext(stored: unknown): { data: unknown; trace?: TraceCarrier } {
  if (!isPlainObject(stored) || !(TRACE_KEY in stored)) return { data: stored };
  const { [TRACE_KEY]: carried, ...data } = stored;
  return { data, trace: isCarrier(carried) ? carried : undefined };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype
  );
}

function isCarrier(value: unknown): value is TraceCarrier {
  return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string');
}
