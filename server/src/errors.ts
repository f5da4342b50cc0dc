import mongoose from 'mongoose';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@parley/protocol';

/** The one error class the server throws on purpose; anything else is `internal`. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { status?: number; retryAfterMs?: number; details?: ErrorBody['details'] } = {},
  ) {
    super(message);
    this.status = extra.status ?? ERROR_STATUS[code];
  }

  /** The SPEC's error body, safe to send to a client. */
  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.extra.retryAfterMs !== undefined) body.retryAfterMs = this.extra.retryAfterMs;
    if (this.extra.details) body.details = this.extra.details;
    return body;
  }
}

/** Shorthands for the catalogue, so call sites read like the SPEC. */
export const errors = {
  badRequest: (message = 'bad request', details?: ErrorBody['details']) =>
    new AppError('bad_request', message, details ? { details } : {}),
  unprocessable: (message: string) => new AppError('bad_request', message, { status: 422 }),
  invalidToken: () => new AppError('invalid_token', 'invalid or expired token'),
  forbidden: (message = 'forbidden') => new AppError('forbidden', message),
  notFound: (what = 'resource') => new AppError('not_found', `${what} not found`),
  conflict: (message: string) => new AppError('conflict', message),
  locked: () => new AppError('locked', 'this discussion is locked'),
  banned: () => new AppError('banned', 'you are banned from commenting on this site'),
  rateLimited: (retryAfterMs: number) =>
    new AppError('rate_limited', 'too many requests, slow down', { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) }),
  unavailable: (what = 'a backing service') => new AppError('unavailable', `${what} is unavailable, try again shortly`),
};

const {
  MongoNetworkError,
  MongoServerSelectionError,
  MongoServerError,
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoServerClosedError,
} = mongoose.mongo;

/** Server error codes a store answers while it shuts down, restarts or cannot reach its own storage. */
const STORE_DOWN_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * What the embedded store (FerretDB) says, as an InternalError (code 1) carrying PostgreSQL's or its
 * driver's words, when the PostgreSQL under it is restarting, recovering or out of reach: connection
 * exceptions (SQLSTATE class 08), shutdown and recovery (57P01–57P04), too many connections (53300),
 * and the socket-level failures of its pool.
 */
const STORE_BACKEND_DOWN =
  /SQLSTATE (08\w{3}|57P0[1-4]|53300)|conn closed|connection refused|failed to connect|unexpected EOF|broken pipe|connection reset/i;

/** Driver class names that mean "no usable connection right now", for errors that cross realms. */
const STORE_DOWN_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
]);

/**
 * Whether an error means the database could not be reached or was going away
 * (maps to 503, never 500): network and selection failures (and their
 * subclasses, e.g. a pool cleared by a dropped connection), the driver's
 * retryable/reset labels, the codes a store answers while shutting down, and
 * the embedded store's word that its PostgreSQL is away.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoServerClosedError ||
    STORE_DOWN_NAMES.has(err.name)
  )
    return true;
  const labelled = err as { hasErrorLabel?: (label: string) => boolean };
  if (labelled.hasErrorLabel?.('RetryableWriteError') || labelled.hasErrorLabel?.('ResetPool')) return true;
  if (err instanceof MongoServerError && typeof err.code === 'number' && STORE_DOWN_CODES.has(err.code)) return true;
  if (err instanceof MongoServerError && err.code === 1 && STORE_BACKEND_DOWN.test(err.message)) return true;
  // mongoose buffers operations while disconnected and fails them with this name
  return err.name === 'MongooseError' && /buffering timed out|Client must be connected/i.test(err.message);
}

/** Turns any thrown value into a client-safe AppError; unknown errors become `internal`. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isStoreUnavailable(err)) return errors.unavailable('the database');
  return new AppError('internal', 'internal error');
}
