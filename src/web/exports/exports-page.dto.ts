import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsIsoDay } from '../../common/dates.js';
import type { AcknowledgementRequest } from '../../exports/acknowledgement.js';
import { EXPORT_FORMATS, type ExportFormat, MITIGATIONS, type Mitigation } from '../../exports/export-row.js';
import type { ExportRequest } from '../../exports/exports.service.js';
import { LABEL_SOURCES } from '../../models/model-settings.js';
import type { ExportFormValues } from './exports-page.view.js';

export class ExportsPageQueryDto {
  /** Set after an export was queued from the page. */
  @IsOptional()
  @IsUUID()
  created?: string;
}

/** The page's new-export form: every field arrives as text, a checkbox as "on" or not at all. */
export class ExportFormDto {
  @IsIn(EXPORT_FORMATS)
  format!: ExportFormat;

  @IsOptional()
  @IsIsoDay(true, { message: 'from must be a date such as 2026-01-31' })
  from?: string;

  @IsOptional()
  @IsIsoDay(true, { message: 'to must be a date such as 2026-01-31' })
  to?: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  versions?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]))
  @IsIn(LABEL_SOURCES, { each: true })
  labelSources?: string[];

  @IsOptional()
  @Matches(/^(0(\.\d+)?)?$/, { message: 'validation must be a fraction below 1' })
  validation?: string;

  @IsOptional()
  @IsIn(['random', 'time'])
  splitBy?: 'random' | 'time';

  @IsOptional()
  @Matches(/^\d{0,9}$/, { message: 'seed must be a whole number' })
  seed?: string;

  @IsIn(MITIGATIONS)
  mitigation!: Mitigation;

  @IsOptional()
  @IsIn(['on'])
  acknowledgeWarnings?: 'on';

  @IsOptional()
  @IsIn(['on'])
  acknowledgeBlocking?: 'on';
}

export function formValues(form: ExportFormDto): ExportFormValues {
  return {
    format: form.format,
    from: form.from ?? '',
    to: form.to ?? '',
    versions: form.versions ?? '',
    labelSources: form.labelSources ?? [],
    validation: form.validation ?? '',
    splitBy: form.splitBy ?? 'random',
    seed: form.seed ?? '0',
    mitigation: form.mitigation,
  };
}

/** Dates are whole UTC days; "to" includes its day. An empty validation means the model's default. */
export function formToRequest(form: ExportFormDto): ExportRequest {
  const day = (date: string | undefined, plusDays = 0) =>
    date ? new Date(Date.parse(`${date}T00:00:00.000Z`) + plusDays * 86_400_000).toISOString() : null;
  const acknowledge: AcknowledgementRequest = {
    warnings: form.acknowledgeWarnings === 'on',
    blocking: form.acknowledgeBlocking === 'on',
  };
  const all = form.labelSources ?? [];
  return {
    format: form.format,
    from: day(form.from),
    to: day(form.to, 1),
    versions: (form.versions ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0),
    labelSources: all.length === LABEL_SOURCES.length ? [] : all,
    split: {
      validation: form.validation ? Number(form.validation) : null,
      by: form.splitBy ?? 'random',
      seed: form.seed ? Number(form.seed) : 0,
    },
    mitigation: form.mitigation,
    acknowledge,
  };
}
