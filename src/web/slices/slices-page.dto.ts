import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { SOURCE_FILTERS, type SourceFilter } from '../../slices/slices.service.js';
import { ToNumber } from '../../common/validation.js';
import {
  PAGE_WINDOW_NAMES,
  type PageQuery,
  type PageWindow,
  SORT_KEYS,
  type SortDir,
  type SortKey,
} from './slices-page-order.js';

/** A GET form sends every field, empty ones too: an empty field means its default. */
const emptyIsAbsent = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

export class SlicesPageQueryDto {
  @IsOptional()
  @emptyIsAbsent()
  @IsIn(PAGE_WINDOW_NAMES)
  window?: PageWindow;

  @IsOptional()
  @emptyIsAbsent()
  @IsString()
  @Length(1, 100)
  version?: string;

  @IsOptional()
  @emptyIsAbsent()
  @IsIn(SOURCE_FILTERS)
  source?: SourceFilter;

  @IsOptional()
  @emptyIsAbsent()
  @IsIn(SORT_KEYS)
  sort?: SortKey;

  @IsOptional()
  @emptyIsAbsent()
  @IsIn(['asc', 'desc'])
  dir?: SortDir;

  /** Set after a labeling batch was queued from the page: the batch to report on. */
  @IsOptional()
  @IsUUID()
  batch?: string;

  /** Set when queuing failed: the API's error code. */
  @IsOptional()
  @Matches(/^[a-z_]{1,60}$/)
  batchError?: string;
}

export function toPageQuery(dto: SlicesPageQueryDto): PageQuery {
  return {
    window: dto.window ?? '7d',
    version: dto.version ?? null,
    source: dto.source ?? 'all',
    sort: dto.sort ?? null,
    dir: dto.sort === undefined ? null : (dto.dir ?? null),
  };
}

/** The per-slice "queue for labeling" form. */
export class QueueSliceFormDto {
  @IsString()
  @Length(1, 201)
  key!: string;

  @IsString()
  @Length(1, 401)
  value!: string;

  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  size?: number;

  /** Where to come back to: the page's query string when the button was pressed. */
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  back?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  _csrf?: string;
}

/** The per-slice "queue audit" form: the audit labels the slice's estimate needs. */
export class QueueAuditFormDto {
  /** A slice key, or * (with value *) for a uniform audit of the whole model. */
  @IsString()
  @Length(1, 201)
  key!: string;

  @IsString()
  @Length(1, 401)
  value!: string;

  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  size!: number;

  @IsOptional()
  @IsString()
  @Length(0, 1000)
  back?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  _csrf?: string;
}
