import type { ErrorDetail } from '../common/api-error.js';
import {
  canonicalJson,
  firstNonFlatKey,
  parseTimestamp,
  ROW_ID,
  rowsOf as rowsOfBody,
  unknownFields,
  shortHash,
} from '../common/rows.js';

const ALLOWED = new Set(['id', 'model', 'predictionId', 'type', 'timestamp', 'value', 'attributes']);
const EVENT_TYPE = /^[A-Za-z0-9][\w.:-]{0,99}$/;
const MAX_ATTRIBUTES = 100;

export interface EventRow {
  model: string;
  id: string;
  predictionId: string;
  type: string;
  ts: number;
  value: number | null;
  attributesJson: string | null;
  contentHash: string;
}

export function rowsOf(body: unknown) {
  return rowsOfBody(body, 'events', 'event');
}

/** Validates one raw event; pushes every problem into `errors`; returns the row only when it has none. */
export function validateEvent(
  raw: unknown,
  index: number,
  ctx: { models: Set<string>; now: number },
  errors: ErrorDetail[],
): EventRow | null {
  const before = errors.length;
  const bad = (field: string, message: string) => errors.push({ index, field, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    bad('', 'must be an object');
    return null;
  }
  const r = raw as Record<string, unknown>;
  unknownFields(r, ALLOWED, bad);
  if (typeof r.id !== 'string' || !ROW_ID.test(r.id)) bad('id', 'required: a string of 1-200 printable characters');
  if (typeof r.model !== 'string') bad('model', 'required: the name of a registered model');
  else if (!ctx.models.has(r.model)) bad('model', `unknown model "${r.model}"`);
  if (typeof r.predictionId !== 'string' || !ROW_ID.test(r.predictionId))
    bad('predictionId', 'required: the id of the prediction this event follows');
  if (typeof r.type !== 'string' || !EVENT_TYPE.test(r.type))
    bad('type', 'required: 1-100 letters, digits, _ . : - such as "click"');
  let ts = ctx.now;
  if (r.timestamp !== undefined) {
    const parsed = parseTimestamp(r.timestamp, ctx.now);
    if (typeof parsed === 'string') bad('timestamp', parsed);
    else ts = parsed;
  }
  let value: number | null = null;
  if (r.value !== undefined && r.value !== null) {
    if (typeof r.value === 'number' && Number.isFinite(r.value)) value = r.value;
    else bad('value', 'must be a finite number');
  }
  let attributesJson: string | null = null;
  if (r.attributes !== undefined && r.attributes !== null) {
    if (typeof r.attributes !== 'object' || Array.isArray(r.attributes)) bad('attributes', 'must be a flat object');
    else {
      const attributes = r.attributes as Record<string, unknown>;
      const badKey = firstNonFlatKey(attributes);
      if (badKey !== null) bad(`attributes.${badKey}`, 'must be a string, finite number, boolean or null (attributes are flat)');
      else if (Object.keys(attributes).length > MAX_ATTRIBUTES) bad('attributes', `at most ${MAX_ATTRIBUTES} attributes`);
      else attributesJson = canonicalJson(attributes);
    }
  }
  if (errors.length > before) return null;
  return {
    model: r.model as string,
    id: r.id as string,
    predictionId: r.predictionId as string,
    type: r.type as string,
    ts,
    value,
    attributesJson,
    contentHash: shortHash(
      JSON.stringify([r.model, r.id, r.predictionId, r.type, r.timestamp === undefined ? null : ts, value, attributesJson]),
    ),
  };
}
