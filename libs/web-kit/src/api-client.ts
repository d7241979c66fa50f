/**
 * A JSON client of the public HTTP APIs (request-intake, identity, audit, data-locator):
 * the web apps call nothing else. Answers are returned with their status, never thrown, so
 * pages can show the API's own validation messages; only an unreachable API throws.
 */
export interface ApiResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiError {
  statusCode?: number;
  error?: { code?: string; message?: string; details?: unknown };
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as it is (a CSV list), instead of `body` as JSON; its content-type goes in `headers`. */
  text?: string;
  /** The browser's address, forwarded so per-client limits apply to the subject, not to this app. */
  forwardedFor?: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<ApiResult<T>> {
    const res = await this.raw(method, path, o);
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: res.status, body: body as T, headers: res.headers };
  }

  /** The response itself (a file download is streamed through, not parsed). */
  raw(method: string, path: string, o: CallOptions = {}): Promise<Response> {
    return fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        accept: 'application/json',
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {}),
        ...o.headers,
      },
      body: o.text ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'manual',
    });
  }
}

/** The API's message for an error answer, and its per-field details when it has them. */
export function apiMessages(body: unknown): string[] {
  const e = (body ?? {}) as ApiError;
  const details = e.error?.details;
  if (Array.isArray(details) && details.length) return details.map(String);
  if (details && typeof details === 'object') {
    const list = Object.values(details as Record<string, unknown>).flat();
    if (list.length && list.every((x) => typeof x === 'string')) return list as string[];
  }
  return [e.error?.message ?? (typeof body === 'string' && body ? body : 'unexpected answer')];
}
