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
    ['a non-error value', 'boom'],
  ])('when the error is %s, then it is not a store outage (internal stays internal)', (_what, err) => {
    expect(isStoreUnavailable(err)).toBe(false);
    expect(toAppError(err).code).toBe('internal');
  });
});
