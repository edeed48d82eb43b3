import type { ValueTransformer } from 'typeorm';

/** bigint columns (epoch milliseconds, counters) as JS numbers on both databases. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** JSON kept in a text column: portable between SQLite and PostgreSQL, parsed on read. */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
};

/** Booleans stored as 0/1 integers behave the same on both databases. */
export const intBoolean: ValueTransformer = {
  to: (value: boolean | null | undefined) => (value === null || value === undefined ? null : value ? 1 : 0),
  from: (value: number | null) => (value === null ? null : value === 1),
};
