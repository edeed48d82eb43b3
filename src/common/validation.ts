import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badRequest, type ErrorDetail } from './api-error.js';

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
