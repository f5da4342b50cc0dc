import type { z } from 'zod';
import type { Ack } from '../../../client-sdk/src/protocol';
import { toAppError } from '../errors';
import { parse } from '../http/validate';
import type { Logger } from '../logger';

/**
 * Wraps a socket handler: validates the payload with the route's schema, runs
 * the use case, and always acknowledges — `{ ok: true, … }` or the SPEC's
 * `{ ok: false, error }`. A throwing handler never crashes the socket, and a
 * client that sent no ack callback is simply not answered.
 */
export function handle<S extends z.ZodType, R extends object>(
  logger: Logger,
  schema: S,
  fn: (input: z.infer<S>) => Promise<R> | R,
): (...args: unknown[]) => void {
  return (...args) => {
    // Socket.IO passes the ack as the last argument, wherever that is: a client
    // that sent only a callback, or surplus arguments, must still get its answer.
    const last = args[args.length - 1];
    const reply = typeof last === 'function' ? (last as (a: Ack<R>) => void) : () => undefined;
    const payload = typeof last === 'function' && args.length === 1 ? undefined : args[0];
    Promise.resolve()
      .then(() => fn(parse(schema, payload)))
      .then(
        (result) => reply({ ok: true, ...result }),
        (err: unknown) => {
          const appErr = toAppError(err);
          if (appErr.code === 'internal') logger.error({ err }, 'socket handler failed');
          reply({ ok: false, error: appErr.toBody() });
        },
      );
  };
}
