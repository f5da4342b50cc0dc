/**
 * Socket plumbing shared by the reader and admin clients: creating the
 * socket.io-client socket, waiting for it to connect, turning `connect_error`
 * and failed acks into SDK errors, and telling "the connection dropped before
 * the ack" apart from real failures (only the former is safe to retry).
 */
import { io, type Socket } from 'socket.io-client';
import { errorFromBody, UnavailableError, type ParleyError } from './errors';
import type { Ack, AckData, AckEventName, ErrorBody, EventPayload, HandshakeAuth } from './protocol';

/** Transports a client may use, in order of preference. */
export type Transport = 'websocket' | 'polling';

/** The transports used when none are given. */
export const DEFAULT_TRANSPORTS: Transport[] = ['websocket', 'polling'];
/** Request and ack timeout used when none is given. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Thrown (internally) when the connection dropped while an ack was outstanding. */
export class DisconnectedError extends UnavailableError {
  override name = 'DisconnectedError';
  constructor() {
    super('unavailable', 'the connection dropped before the server answered');
  }
}

/** An event map as socket.io-client's generics want it (string keys, function values). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- only constrains the shape.
type EventsOf<M> = { [E in keyof M]: M[E] extends (...args: any[]) => void ? M[E] : never };

/** A socket.io-client socket of one namespace: `S` server→client, `C` client→server. */
export type NamespaceSocket<S extends object, C extends object> = Socket<EventsOf<S>, EventsOf<C>>;

/** Opens a new, not yet connected socket with its own manager (clients never share a connection), typed by its namespace's maps. */
export function openSocket<S extends object, C extends object>(
  url: string,
  auth: HandshakeAuth,
  transports: Transport[],
  timeoutMs: number,
): NamespaceSocket<S, C> {
  return io(url, {
    auth,
    transports,
    autoConnect: false,
    forceNew: true,
    timeout: Math.max(timeoutMs, 1000),
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });
}

/** Maps a `connect_error` (middleware refusal or transport failure) to an SDK error. */
export function connectErrorToParley(err: Error & { data?: unknown }): ParleyError {
  const data = err.data as Partial<ErrorBody> | undefined;
  // The server refuses handshakes with `message = code` and `data = { code, message }`.
  if (data && typeof data === 'object' && typeof data.code === 'string') return errorFromBody(data);
  if (/^[a-z_]+$/.test(err.message) && err.message !== 'timeout')
    return errorFromBody({ code: err.message as ErrorBody['code'], message: err.message });
  return new UnavailableError('unavailable', `could not connect: ${err.message}`, { cause: err });
}

/**
 * Resolves once `socket` is connected, rejects on its next `connect_error`.
 * Call `socket.connect()` yourself; this only waits.
 */
export function waitConnected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      socket.off('connect', onConnect);
      reject(connectErrorToParley(err));
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}

/**
 * Emits an acknowledged event of the client→server map `C` and returns the
 * ack's fields; a failed ack becomes the matching error class, a dropped
 * connection a {@link DisconnectedError}.
 */
export async function call<C extends object, E extends AckEventName<C>>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any server→client map
  socket: NamespaceSocket<any, C>,
  timeoutMs: number,
  event: E,
  payload: EventPayload<C, E>,
): Promise<AckData<C, E>> {
  type T = AckData<C, E>;
  let ack: Ack<T>;
  try {
    // The untyped view: the event map already checked the name and payload above.
    ack = (await (socket as unknown as Socket).timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
  } catch (err) {
    if (err instanceof Error && /disconnected/.test(err.message)) throw new DisconnectedError();
    throw new UnavailableError('unavailable', `no answer to ${event} within ${timeoutMs} ms`, { cause: err });
  }
  if (!ack || typeof ack !== 'object') throw new UnavailableError('unavailable', `malformed answer to ${event}`);
  if (!ack.ok) throw errorFromBody(ack.error);
  const { ok: _ok, ...rest } = ack;
  return rest as unknown as T;
}
