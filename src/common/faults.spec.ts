import { describe, expect, it } from 'vitest';
import { faultOf } from './faults.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('faultOf', () => {
  it.each([
    [withCode('57P01', 'terminating connection due to administrator command'), 503],
    [withCode('ECONNREFUSED'), 503],
    [new Error('Connection terminated unexpectedly'), 503],
    [withCode('SQLITE_BUSY'), 503],
    [{ message: 'query failed', driverError: withCode('57P03') }, 503],
    [withCode('SQLITE_FULL', 'database or disk is full'), 507],
    [withCode('53100'), 507],
    [{ cause: withCode('ENOSPC') }, 507],
  ])('classifies %o as %i', (error, status) => {
    expect(faultOf(error)?.status).toBe(status);
  });

  it.each([new Error('boom'), withCode('23505'), withCode('SQLITE_CONSTRAINT'), null, 'text'])('leaves %o a 500', (error) => {
    expect(faultOf(error)).toBeNull();
  });
});
