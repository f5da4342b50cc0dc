/**
 * The REST half of the client: one `request` over global `fetch` (or the one
 * passed in options) that adds the bearer token, times out, and turns error
 * responses into the SDK's error classes.
 */
import { errorFromBody, RateLimitedError, UnavailableError } from './errors';
import type { ErrorBody } from './protocol';

/** What a REST caller needs from the client: where, which fetch, and the current token. */
export interface RestDeps {
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  token: () => string | null;
}

/** A query value; arrays repeat the key (`page=a&page=b`), null/undefined are left out. */
export type QueryValue = string | number | null | undefined | string[];

/** Performs REST calls against `/api/v1` of one server. */
export type Rest = <T>(method: string, path: string, opts?: { query?: Record<string, QueryValue>; body?: unknown }) => Promise<T>;

/** Strips trailing slashes so `url + '/api/v1'` never doubles them. */
export function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Builds the REST caller of a client. */
export function createRest(deps: RestDeps): Rest {
  return async function request<T>(
    method: string,
    path: string,
    opts: { query?: Record<string, QueryValue>; body?: unknown } = {},
  ) {
    const url = deps.baseUrl + '/api/v1' + path + queryString(opts.query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = deps.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = setTimeout(() => controller?.abort(), deps.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await deps.fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: controller?.signal,
      });
      text = await res.text();
    } catch (err) {
      const timedOut = controller?.signal.aborted === true;
      throw new UnavailableError('unavailable', timedOut ? `request timed out after ${deps.timeoutMs} ms` : 'network error', {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
    const data = parseJson(text);
    if (!res.ok) throw toError(res, data);
    return data as T;
  };
}

function toError(res: Response, data: unknown): Error {
  const body = (data as { error?: Partial<ErrorBody> } | undefined)?.error ?? { message: res.statusText || `HTTP ${res.status}` };
  const err = errorFromBody(body, res.status);
  if (err instanceof RateLimitedError && typeof body.retryAfterMs !== 'number') {
    // Retry-After is whole seconds (or an HTTP date); the body's milliseconds win when both exist.
    const header = res.headers.get('Retry-After');
    const seconds = header === null ? NaN : Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : header ? Date.parse(header) - Date.now() : NaN;
    if (Number.isFinite(ms) && ms >= 0) return new RateLimitedError(err.message, ms, { status: res.status });
  }
  return err;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    const values = Array.isArray(value) ? value : [String(value)];
    for (const v of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Encodes one path segment (SPEC: a pageId travels percent-encoded as one segment). */
export const seg = encodeURIComponent;
