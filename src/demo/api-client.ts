/** An HTTP error answer from the service, with its JSON error body when there is one. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${describe(body)}`);
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
  /** Attempts for network errors and 429/502/503/504 answers, with backoff. */
  attempts?: number;
  timeoutMs?: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

/** A minimal JSON client for relabel's public API, authenticated with one bearer token. */
export class ApiClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Sends a request; resolves to the parsed body when the status is one of `expect`, throws ApiError
   * otherwise. Once `stopRetrying` is aborted, a failed attempt is not repeated (the one in flight completes).
   */
  async request<T>(method: string, path: string, body: unknown, expect: number[], stopRetrying?: AbortSignal): Promise<T> {
    const attempts = this.options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
        const text = await res.text();
        const parsed: unknown =
          text.length > 0 && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
        if (expect.includes(res.status)) return parsed as T;
        if (!RETRYABLE.has(res.status) || attempt >= attempts || stopRetrying?.aborted) {
          throw new ApiError(method, path, res.status, parsed);
        }
      } catch (error) {
        if (error instanceof ApiError || stopRetrying?.aborted || attempt >= attempts) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (attempt - 1)));
    }
  }
}

function describe(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500) || '(empty body)';
  const b = body as { message?: unknown; details?: unknown } | null;
  const details = Array.isArray(b?.details) ? ` ${JSON.stringify(b.details.slice(0, 5))}` : '';
  return `${typeof b?.message === 'string' ? b.message : JSON.stringify(body).slice(0, 500)}${details}`;
}
