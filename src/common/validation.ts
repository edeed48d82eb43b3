import { Transform } from 'class-transformer';
import { ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import { buildMessage, ValidateBy } from 'class-validator';
import { badRequest, type ErrorDetail } from './api-error.js';
import { isDuration, MAX_DURATION_TEXT } from './durations.js';

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The one global ValidationPipe: whitelist, reject unknown fields, transform, errors listed per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return badRequest(`invalid request: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
    },
  });
}

/**
 * A form or query field read as a number: text becomes a number, anything else is left for the
 * validators to refuse. `@Type(() => Number)` calls Number() on objects too, which throws on
 * `{"toString": "x"}` (a 500).
 */
export const ToNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' && value.length <= 40 ? Number(value) : value,
  );

/** ParseUUIDPipe whose 400 names the parameter, as every 400 names its field. */
export const uuidParam = (field: string) =>
  new ParseUUIDPipe({
    exceptionFactory: () => badRequest(`invalid request: ${field}: must be a UUID`, [{ field, message: 'must be a UUID' }]),
  });

/** A duration setting ("30s", "30m", "12h", "7d") of at most MAX_DURATION_TEXT; the 400 names the field and the bound. */
export const IsDurationText = () =>
  ValidateBy({
    name: 'isDuration',
    validator: {
      validate: (value: unknown) => isDuration(value),
      defaultMessage: buildMessage(
        (each) => `${each}$property must be a duration such as "30s", "30m", "12h" or "7d", at most ${MAX_DURATION_TEXT}`,
      ),
    },
  });
