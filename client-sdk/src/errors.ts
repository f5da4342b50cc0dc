/**
 * Error classes of the SDK: every failed request, ack or handshake becomes a
 * `ParleyError` subclass chosen by the SPEC's error code, so callers branch on
 * classes or type guards, never on messages.
 */
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from './protocol';

// A registry-wide brand, so guards also recognise errors thrown by another copy
// of the SDK on the same page (the ESM build and the <script> build side by side).
const BRAND = Symbol.for('parley.sdk.error');

/** Base class of every error the SDK throws; `code` is the SPEC's error code. */
export class ParleyError extends Error {
  /** The SPEC's error code (`bad_request`, `rate_limited`, …). */
  readonly code: ErrorCode;
  /** HTTP status of the failure (the code's usual status for socket acks). */
  readonly status: number;
  /** Field-level problems of a `bad_request`, when the server names them. */
  readonly details: ErrorBody['details'];
  constructor(code: ErrorCode, message: string, opts: { status?: number; details?: ErrorBody['details']; cause?: unknown } = {}) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = opts.status ?? ERROR_STATUS[code] ?? 500;
    this.details = opts.details;
    if (opts.cause !== undefined) (this as { cause?: unknown }).cause = opts.cause;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }
}

/** The request was malformed or failed validation (`bad_request`, 400/422). */
export class BadRequestError extends ParleyError {
  override name = 'BadRequestError';
}
/** The token is missing, invalid or expired (`invalid_token`, 401). */
export class InvalidTokenError extends ParleyError {
  override name = 'InvalidTokenError';
}
/** The viewer may not do this (`forbidden`, 403). */
export class ForbiddenError extends ParleyError {
  override name = 'ForbiddenError';
}
/** The site, page or comment does not exist (`not_found`, 404). */
export class NotFoundError extends ParleyError {
  override name = 'NotFoundError';
}
/** The write conflicts with existing state, e.g. a repeated body (`conflict`, 409). */
export class ConflictError extends ParleyError {
  override name = 'ConflictError';
}
/** The request body was too large (`payload_too_large`, 413). */
export class PayloadTooLargeError extends ParleyError {
  override name = 'PayloadTooLargeError';
}
/** Too many requests (`rate_limited`, 429); `retryAfterMs` says when to try again. */
export class RateLimitedError extends ParleyError {
  override name = 'RateLimitedError';
  /** Milliseconds to wait before retrying. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, opts: { status?: number; cause?: unknown } = {}) {
    super('rate_limited', message, opts);
    this.retryAfterMs = retryAfterMs;
  }
}
/** The page is locked for writes (`locked`, 423). */
export class LockedError extends ParleyError {
  override name = 'LockedError';
}
/** The viewer is banned from the site (`banned`, 403). */
export class BannedError extends ParleyError {
  override name = 'BannedError';
}
/** The server or the network is unavailable, or a request timed out (`unavailable`, 503). */
export class UnavailableError extends ParleyError {
  override name = 'UnavailableError';
}

/** The site asks this reader for a proof of work the request did not carry or that was not valid (`pow_required`, 403). */
export class PowRequiredError extends ParleyError {
  override name = 'PowRequiredError';
}

type Ctor = new (code: ErrorCode, message: string, opts?: { status?: number; details?: ErrorBody['details'] }) => ParleyError;
const CLASSES: Partial<Record<ErrorCode, Ctor>> = {
  bad_request: BadRequestError,
  invalid_token: InvalidTokenError,
  forbidden: ForbiddenError,
  not_found: NotFoundError,
  conflict: ConflictError,
  payload_too_large: PayloadTooLargeError,
  locked: LockedError,
  banned: BannedError,
  unavailable: UnavailableError,
  pow_required: PowRequiredError,
};

/** Turns an error body (HTTP or ack) into the matching error class; unknown codes become a plain `ParleyError`. */
export function errorFromBody(body: Partial<ErrorBody> | null | undefined, status?: number): ParleyError {
  const code = (body?.code && body.code in ERROR_STATUS ? body.code : codeOfStatus(status)) as ErrorCode;
  const message = typeof body?.message === 'string' ? body.message : code;
  if (code === 'rate_limited') {
    const retry = typeof body?.retryAfterMs === 'number' && body.retryAfterMs >= 0 ? body.retryAfterMs : 1000;
    return new RateLimitedError(message, retry, { status });
  }
  const Cls = CLASSES[code] ?? ParleyError;
  return new Cls(code, message, { status, details: body?.details });
}

function codeOfStatus(status: number | undefined): ErrorCode {
  if (status === undefined) return 'internal';
  const found = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === status);
  if (found) return found;
  if (status === 422) return 'bad_request';
  return status >= 500 ? 'unavailable' : 'bad_request';
}

/** Whether a value is an error thrown by the SDK. */
export function isParleyError(err: unknown): err is ParleyError {
  return (
    err instanceof ParleyError || (typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true)
  );
}

/** Whether a value is a rate-limit error (then `retryAfterMs` is set). */
export function isRateLimitedError(err: unknown): err is RateLimitedError {
  return isParleyError(err) && err.code === 'rate_limited';
}
