import type { components, paths } from './schema.js';

/** The HTTP methods of relabel's API. */
export type Method = 'get' | 'put' | 'post' | 'delete';

/** The paths that have an operation for `M`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined ? never : P;
}[keyof paths];

export type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type PathParams<O> = O extends { parameters: { path: infer X } } ? X : never;
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type RequestBody<O> = O extends { requestBody?: infer B } ? JsonBody<NonNullable<B>> : never;
type JsonBody<B> = [B] extends [never] ? never : B extends { content: { 'application/json': infer J } } ? J : never;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : unknown;

/** What a call resolves to: the union of the operation's 2xx bodies (undefined for 204; unknown where undocumented). */
export type SuccessBody<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 204 ? undefined : S extends 200 | 201 | 202 ? JsonOf<R[S]> : never }[keyof R]
  : never;

/** Options every call takes. */
export interface CallOptions {
  /** Statuses that count as success (default: any 2xx). */
  expect?: readonly number[];
  /** Aborts the call, the attempt in flight included. */
  signal?: AbortSignal;
  /** Once aborted, a failed attempt is not repeated (the one in flight completes). */
  stopRetrying?: AbortSignal;
  /** Whether the request may be sent again after a network error or 5xx; the default is by method and path (see idempotentByDefault). */
  idempotent?: boolean;
  /** Tries for this call, overriding the client's retry policy (1: no retries). */
  attempts?: number;
  headers?: Record<string, string>;
}

/** A typed call's arguments: the path parameters, query and JSON body the document declares. */
export type CallInit<O> = CallOptions &
  ([PathParams<O>] extends [never] ? { path?: undefined } : { path: PathParams<O> }) &
  ([QueryParams<O>] extends [never] ? { query?: undefined } : { query?: QueryParams<O> }) &
  ([RequestBody<O>] extends [never] ? { body?: undefined } : { body: RequestBody<O> });

/** Required when the operation has path parameters or a body, optional otherwise. */
export type CallArgs<O> = [PathParams<O>] extends [never]
  ? [RequestBody<O>] extends [never]
    ? [init?: CallInit<O>]
    : [init: CallInit<O>]
  : [init: CallInit<O>];

export type Schemas = components['schemas'];
export type PredictionInput = Schemas['PredictionInputDto'];
export type EventInput = Schemas['EventInputDto'];
export type IngestResult = Schemas['IngestResultDto'];
export type EventIngestResult = Schemas['EventIngestResultDto'];
