import mongoose from 'mongoose';
import { isStoreUnavailable, toAppError } from '../../server/src/errors';

const { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError, MongoNotConnectedError } =
  mongoose.mongo;

function named(name: string): Error {
  const err = new Error('driver error');
  Object.defineProperty(err, 'name', { value: name });
  return err;
}

function serverError(code: number): Error {
  return new MongoServerError({ message: `server error ${code}`, code });
}

describe('isStoreUnavailable', () => {
  test.each([
    ['a network error', new MongoNetworkError('connection reset')],
    ['a network timeout (subclass)', new MongoNetworkTimeoutError('timed out')],
    ['no server selectable', new MongoServerSelectionError('no server', { type: 'Unknown', servers: new Map() } as never)],
    ['a client not connected', new MongoNotConnectedError('not connected')],
    ['a pool cleared by a dropped connection', named('PoolClearedOnNetworkError')],
    ['a closed pool', named('MongoPoolClosedError')],
    ['a wait-queue timeout', named('MongoWaitQueueTimeoutError')],
    ['a store shutting down (91)', serverError(91)],
    ['a store interrupted at shutdown (11600)', serverError(11600)],
    [
      'the embedded store’s PostgreSQL shutting down under it',
      new MongoServerError({
        message: 'lazyerrors: FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
        code: 1,
      }),
    ],
    [
      'the embedded store’s PostgreSQL recovering after a crash',
      new MongoServerError({ message: 'the database system is in recovery mode (SQLSTATE 57P03)', code: 1 }),
    ],
    [
      'the embedded store unable to reach its PostgreSQL',
      new MongoServerError({
        message: 'failed to connect to `user=parley database=parley`: 127.0.0.1:5433: dial error: connect: connection refused',
        code: 1,
      }),
    ],
    [
      'mongoose buffering timed out',
      Object.assign(named('MongooseError'), { message: 'Operation buffering timed out after 10000ms' }),
    ],
  ])('when the error is %s, then the answer is 503 unavailable', (_what, err) => {
    expect(isStoreUnavailable(err)).toBe(true);
    expect(toAppError(err).status).toBe(503);
    expect(toAppError(err).code).toBe('unavailable');
  });

  test.each([
    ['a duplicate key (11000)', serverError(11000)],
    ['a validation failure (121)', serverError(121)],
    ['a plain programming error', new TypeError('x is undefined')],
    ['any other internal error of the store (1)', new MongoServerError({ message: 'lazyerrors: unexpected type', code: 1 })],
    [
      'a PostgreSQL error that is not an outage (code 1, SQLSTATE 22P02)',
      new MongoServerError({ message: 'invalid input syntax (SQLSTATE 22P02)', code: 1 }),
    ],
    ['a non-error value', 'boom'],
  ])('when the error is %s, then it is not a store outage (internal stays internal)', (_what, err) => {
    expect(isStoreUnavailable(err)).toBe(false);
    expect(toAppError(err).code).toBe('internal');
  });
});
