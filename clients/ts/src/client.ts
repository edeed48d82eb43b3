import { RelabelError, RelabelNetworkError } from './errors.js';
import { backoffMs, DEFAULT_RETRY, notCarriedOut, parseRetryAfter, retryableStatus, type RetryPolicy, sleep } from './retry.js';
import type { paths } from './schema.js';
import type { CallArgs, CallOptions, Method, Operation, PathsWith, SuccessBody } from './types.js';

export interface RelabelClientOptions {
  /** The service's base URL, e.g. http://localhost:3000. */
  url: string;
  /** An API token (admin, labeler or ingest, as the routes need). */
  token: string;
  retry?: Partial<RetryPolicy>;
  /** Per attempt, in milliseconds (default 60,000). */
  timeoutMs?: number;
  /** The fetch to use (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Called before each retry: for logging. */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface RawRequestOptions extends CallOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
}

/** POSTs that are idempotent by design: ingest rows carry their own ids and identical re-sends are duplicates. */
const IDEMPOTENT_POSTS = [/^\/api\/v1\/predictions$/, /^\/api\/v1\/events$/, /^\/api\/v1\/models\/[^/]+\/lf-votes$/];

/**
 * Whether a request may be repeated after a network error or a 5xx, when the service may have carried
 * it out: GET, PUT and DELETE, and the ingest POSTs. Other POSTs (a labeling batch, an export, a
 * token) are repeated only after 429 or 503, which say nothing was done.
 */
export function idempotentByDefault(method: string, path: string): boolean {
  const m = method.toUpperCase();
  if (m !== 'POST') return true;
  const bare = path.split('?')[0];
  return IDEMPOTENT_POSTS.some((re) => re.test(bare));
}

/**
 * A thin typed client for relabel's API: paths, parameters, bodies and results come from the
 * service's OpenAPI document (schema.ts). Answers outside `expect` (any 2xx by default) throw
 * RelabelError with relabel's error body; retries follow RetryPolicy, never on a 4xx other than 429.
 */
export class RelabelClient {
  readonly url: string;
  private readonly retry: RetryPolicy;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: RelabelClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get<P extends PathsWith<'get'>>(path: P, ...[init]: CallArgs<Operation<P, 'get'>>): Promise<SuccessBody<Operation<P, 'get'>>> {
    return this.call('get', path, init);
  }

  put<P extends PathsWith<'put'>>(path: P, ...[init]: CallArgs<Operation<P, 'put'>>): Promise<SuccessBody<Operation<P, 'put'>>> {
    return this.call('put', path, init);
  }

  post<P extends PathsWith<'post'>>(
    path: P,
    ...[init]: CallArgs<Operation<P, 'post'>>
  ): Promise<SuccessBody<Operation<P, 'post'>>> {
    return this.call('post', path, init);
  }

  delete<P extends PathsWith<'delete'>>(
    path: P,
    ...[init]: CallArgs<Operation<P, 'delete'>>
  ): Promise<SuccessBody<Operation<P, 'delete'>>> {
    return this.call('delete', path, init);
  }

  /** An untyped JSON call, for a path given as text: resolves to the parsed body (text when it is not JSON). */
  async request<T = unknown>(method: string, path: string, options: RawRequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    return (await parseBody(res)) as T;
  }

  /** As request(), but resolves to the Response with its body unread: for downloads (an export's file). */
  fetchRaw(method: string, path: string, options: RawRequestOptions = {}): Promise<Response> {
    return this.send(method, path, options);
  }

  private call<R>(method: Method, template: keyof paths, init: unknown): Promise<R> {
    const options = (init ?? {}) as RawRequestOptions & { path?: Record<string, string | number> };
    return this.request<R>(method.toUpperCase(), fillPath(String(template), options.path), options);
  }

  private async send(method: string, path: string, options: RawRequestOptions): Promise<Response> {
    const target = `${path}${queryString(options.query)}`;
    const idempotent = options.idempotent ?? idempotentByDefault(method, path);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs: number | undefined;
      let reason: string;
      try {
        const signals = [AbortSignal.timeout(this.options.timeoutMs ?? 60_000), ...(options.signal ? [options.signal] : [])];
        const res = await this.fetchFn(`${this.url}${target}`, { method, headers, body, signal: AbortSignal.any(signals) });
        if (options.expect ? options.expect.includes(res.status) : res.status >= 200 && res.status < 300) return res;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        const error = new RelabelError(method, target, res.status, await parseBody(res), retryAfterMs);
        const mayRetry = retryableStatus(res.status) && (idempotent || notCarriedOut(res.status));
        if (!mayRetry || !this.another(attempt, options)) throw error;
        reason = `${res.status}${error.code ? ` ${error.code}` : ''}`;
      } catch (error) {
        if (error instanceof RelabelError) throw error;
        if (options.signal?.aborted) throw error;
        const failure = new RelabelNetworkError(method, target, error);
        if (!idempotent || !this.another(attempt, options)) throw failure;
        reason = failure.message;
      }
      const delayMs = backoffMs(attempt, this.retry, retryAfterMs);
      this.options.onRetry?.({ method, path: target, attempt, delayMs, reason });
      await sleep(delayMs, options.stopRetrying ?? options.signal);
      if (options.signal?.aborted) throw options.signal.reason;
    }
  }

  private another(attempt: number, options: CallOptions): boolean {
    return attempt < (options.attempts ?? this.retry.attempts) && !options.stopRetrying?.aborted && !options.signal?.aborted;
  }
}

function fillPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`path parameter ${name} is missing for ${template}`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: RawRequestOptions['query']): string {
  if (!query) return '';
  const entries = Object.entries(query).filter(
    (e): e is [string, string | number | boolean] => e[1] !== undefined && e[1] !== null,
  );
  return entries.length === 0
    ? ''
    : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text.length === 0) return undefined;
  if (!(res.headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
