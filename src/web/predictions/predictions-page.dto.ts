import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { badRequest } from '../../common/api-error.js';
import { LABEL_SOURCES } from '../../models/model-settings.js';
import type { PredictionCursor, PredictionFilter } from '../../predictions/prediction-search.repository.js';

const asList = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
/** A date-time input's value (minutes or seconds, taken as UTC) or an ISO 8601 time; empty is unset. */
const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export const SOURCE_CHOICES = [...LABEL_SOURCES, 'none'] as const;

/** The explorer's query: the filter form's fields (every field text; an empty one is unset) and the page cursor. */
export class ExplorerQueryDto {
  @IsOptional()
  @IsString()
  @Length(0, 200)
  q?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  predicted?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  label?: string;

  @IsOptional()
  @IsIn(['', ...SOURCE_CHOICES])
  source?: string;

  @IsOptional()
  @IsIn(['', 'on'])
  disagree?: string;

  @IsOptional()
  @Matches(TIME, { message: 'from must be a date and time' })
  from?: string;

  @IsOptional()
  @Matches(TIME, { message: 'to must be a date and time' })
  to?: string;

  @IsOptional()
  @IsString()
  @Length(0, 100)
  version?: string;

  /** With sliceValue: one pair per slice key, in the same order (the form sends every pair, empty or not). */
  @IsOptional()
  @Transform(asList)
  @IsString({ each: true })
  @Length(1, 201, { each: true })
  sliceKey?: string[];

  @IsOptional()
  @Transform(asList)
  @IsString({ each: true })
  @Length(0, 400, { each: true })
  sliceValue?: string[];

  /** The cursor of the page to show (from the previous page's "next" link). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,600}$/, { message: 'after must be a page cursor' })
  after?: string;
}

const set = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

function time(field: 'from' | 'to', value: string | undefined): number | undefined {
  if (!set(value)) return undefined;
  const text = value as string;
  const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text}Z`);
  if (!Number.isFinite(ms)) throw badRequest('invalid_filter', [{ field, message: 'must be a date and time' }]);
  return ms;
}

/** The filter the query asks for; a 400 naming the field when a value cannot be one. */
export function filterOf(query: ExplorerQueryDto): PredictionFilter {
  const keys = query.sliceKey ?? [];
  const values = query.sliceValue ?? [];
  if (keys.length !== values.length) {
    throw badRequest('invalid_filter', [{ field: 'sliceValue', message: 'must come with one sliceKey each' }]);
  }
  const slices: Record<string, string> = {};
  keys.forEach((key, i) => {
    if (values[i] !== '') slices[key] = values[i];
  });
  const filter: PredictionFilter = {
    ...(Object.keys(slices).length > 0 ? { slices } : {}),
    predicted: set(query.predicted),
    label: set(query.label),
    source: set(query.source) as PredictionFilter['source'],
    disagree: query.disagree === 'on' ? true : undefined,
    from: time('from', query.from),
    to: time('to', query.to),
    version: set(query.version),
  };
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw badRequest('invalid_filter', [{ field: 'to', message: 'must be later than from' }]);
  }
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as PredictionFilter;
}

export function encodeCursor(cursor: PredictionCursor): string {
  return Buffer.from(JSON.stringify([cursor.ts, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string | undefined): PredictionCursor | null {
  if (!text) return null;
  try {
    const [ts, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof ts === 'number' && Number.isSafeInteger(ts) && typeof id === 'string') return { ts, id };
  } catch {
    // reported below
  }
  throw badRequest('invalid_filter', [{ field: 'after', message: 'must be a page cursor' }]);
}
