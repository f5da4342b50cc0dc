import {
  BadRequestError,
  BannedError,
  ConflictError,
  errorFromBody,
  ForbiddenError,
  InvalidTokenError,
  isParleyError,
  isRateLimitedError,
  LockedError,
  NotFoundError,
  ParleyError,
  PayloadTooLargeError,
  PowRequiredError,
  RateLimitedError,
  UnavailableError,
} from '@parley/sdk/errors';
import type { ErrorCode } from '@parley/protocol';

describe('SDK error mapping', () => {
  test.each<[ErrorCode, new (...a: never[]) => ParleyError, number]>([
    ['bad_request', BadRequestError, 400],
    ['invalid_token', InvalidTokenError, 401],
    ['forbidden', ForbiddenError, 403],
    ['not_found', NotFoundError, 404],
    ['conflict', ConflictError, 409],
    ['payload_too_large', PayloadTooLargeError, 413],
    ['rate_limited', RateLimitedError, 429],
    ['locked', LockedError, 423],
    ['banned', BannedError, 403],
    ['unavailable', UnavailableError, 503],
    ['pow_required', PowRequiredError, 403],
  ])('when the body has code %s, then errorFromBody returns its class with status %i', (code, Cls, status) => {
    const err = errorFromBody({ code, message: 'm' });
    expect(err).toBeInstanceOf(Cls);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code, message: 'm', status });
    expect(isParleyError(err)).toBe(true);
    expect(isRateLimitedError(err)).toBe(code === 'rate_limited');
  });

  test('when a rate-limit body carries retryAfterMs, then the error exposes it', () => {
    const err = errorFromBody({ code: 'rate_limited', message: 'slow down', retryAfterMs: 1234 });
    expect(isRateLimitedError(err) && err.retryAfterMs).toBe(1234);
  });

  test('when the code is internal or unknown, then a plain ParleyError keeps the HTTP status', () => {
    expect(errorFromBody({ code: 'internal', message: 'x' }, 500)).toMatchObject({
      code: 'internal',
      status: 500,
      name: 'ParleyError',
    });
    const unknown = errorFromBody({ code: 'weird' as ErrorCode, message: 'x' }, 404);
    expect(unknown).toBeInstanceOf(NotFoundError);
  });

  test('when there is no body, then the status decides the class', () => {
    expect(errorFromBody(undefined, 429)).toBeInstanceOf(RateLimitedError);
    expect(errorFromBody(null, 502)).toBeInstanceOf(UnavailableError);
    expect(errorFromBody(undefined, 422)).toBeInstanceOf(BadRequestError);
  });

  test('when a bad_request names fields, then details are kept', () => {
    const err = errorFromBody({ code: 'bad_request', message: 'bad', details: [{ path: 'body', message: 'empty' }] });
    expect(err.details).toEqual([{ path: 'body', message: 'empty' }]);
  });

  test('when a value is not an SDK error, then the guards say no', () => {
    expect(isParleyError(new Error('x'))).toBe(false);
    expect(isParleyError({ code: 'rate_limited' })).toBe(false);
    expect(isRateLimitedError(null)).toBe(false);
  });
});
