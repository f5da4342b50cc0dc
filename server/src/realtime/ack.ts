import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Ack, AckData, AckEventName, EventPayload } from '@parley/protocol';
import { toAppError } from '../errors';
import { parse } from '../validate';
import type { Logger } from '../logger';

/** Where a handler is registered: any server socket whose client→server map is `M`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the other three maps do not matter here.
type SocketOf<M extends object> = Socket<M & Record<string, any>, any, any, any>;

/** The untyped `on` that a validated handler is registered through: the wire payload is unknown until parsed. */
type RawOn = (event: string, listener: (...args: unknown[]) => void) => unknown;

/**
 * Registers an acknowledged event on `socket`, typed by the socket's event map:
 * the event must exist, the schema must parse to its payload and `fn` must return
 * its ack's fields. The payload is validated with the schema, the use case runs,
 * and the client is always acknowledged — `{ ok: true, … }` or the SPEC's
 * `{ ok: false, error }`. A throwing handler never crashes the socket, and a
 * client that sent no ack callback is simply not answered.
 */
export function handle<M extends object, E extends AckEventName<M>, S extends z.ZodType<EventPayload<M, E>>>(
  socket: SocketOf<M>,
  logger: Logger,
  event: E,
  schema: S,
  fn: (input: z.infer<S>) => Promise<AckData<M, E>> | AckData<M, E>,
): void {
  (socket.on as RawOn).call(socket, event, listener(logger, schema, fn));
}

/** The raw Socket.IO listener behind {@link handle}. */
function listener<S extends z.ZodType, R extends object>(
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
