import type { Server as HttpServer, IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { Server, type Namespace, type Socket } from 'socket.io';
import type {
  AdminClientToServerEvents,
  AdminServerToClientEvents,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@parley/protocol';
import { adapterPublisher, BLOCKING_READER_OPTIONS } from '../infra/redis';
import type { Principal } from '../modules/auth/principal';

/** Per-socket state, set by the handshake middleware (and restored by connection-state recovery). */
export interface SocketData {
  siteId: string;
  principal: Principal | null;
  ip: string;
  pages: string[];
}

/** Messages between server nodes (over the adapter). */
export interface InterServerEvents {
  'site:changed': (siteId: string) => void;
}

/** The typed reader-namespace server. */
export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** A reader socket. */
export type ReaderSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** The admin namespace. */
export type AdminNamespace = Namespace<AdminClientToServerEvents, AdminServerToClientEvents, InterServerEvents, SocketData>;
/** A moderator socket. */
export type AdminSocket = Socket<AdminClientToServerEvents, AdminServerToClientEvents, InterServerEvents, SocketData>;

/** How long a disconnected reader's missed events are kept for it (SPEC: two minutes). */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

/** Name of the Redis stream the adapter carries room events on. */
export function adapterStreamName(keyPrefix: string): string {
  return `${keyPrefix}socket.io`;
}

/** Options of {@link createIo}. */
export interface IoOptions {
  redis: Redis | null;
  keyPrefix: string;
}

/**
 * Creates the Socket.IO server: Redis streams adapter when Redis is there
 * (cross-node rooms and replay), connection-state recovery for two minutes,
 * 32 KiB message cap and ping timings that tolerate mobile networks.
 */
export function createIo(
  httpServer: HttpServer,
  opts: IoOptions,
): { io: ParleyServer; admin: AdminNamespace; closeAdapter: () => void } {
  // The adapter duplicates the client for its blocking stream reads and pub/sub;
  // keep hold of those connections so shutdown can close them at once.
  const duplicates: Redis[] = [];
  const pub = opts.redis ? adapterPublisher(opts.redis) : null;
  if (pub) {
    duplicates.push(pub);
    const original = pub.duplicate.bind(pub);
    // Readers block on XREAD and SUBSCRIBE: they must wait in the offline queue across an outage, not spin.
    pub.duplicate = (override) => {
      const dup = original({ ...override, ...BLOCKING_READER_OPTIONS });
      dup.on('error', () => undefined);
      // The adapter fires SUBSCRIBE without awaiting it; if the node closes before Redis
      // answered, that promise rejects with "Connection is closed" — mark it handled.
      const subscribe = dup.subscribe.bind(dup) as (...args: unknown[]) => Promise<unknown>;
      dup.subscribe = ((...args: unknown[]) => {
        const pending = subscribe(...args);
        pending.catch(() => undefined);
        return pending;
      }) as typeof dup.subscribe;
      duplicates.push(dup);
      return dup;
    };
  }
  const io: ParleyServer = new Server(httpServer, {
    maxHttpBufferSize: 32 * 1024,
    pingInterval: 25_000,
    pingTimeout: 30_000,
    connectTimeout: 20_000,
    // Origins are checked per site by the handshake middleware; this only lets the polling transport answer.
    cors: { origin: true, credentials: false },
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
    ...(pub
      ? {
          adapter: createAdapter(pub, {
            streamName: adapterStreamName(opts.keyPrefix),
            channelPrefix: `${opts.keyPrefix}socket.io`,
            sessionKeyPrefix: `${opts.keyPrefix}sio:session:`,
            maxLen: 100_000,
            onlyPlaintext: true,
            // Short blocking reads let a node shut down within a second (the reader client closes after its XREAD returns).
            blockTimeInMs: 1000,
          }),
        }
      : {}),
  });
  return { io, admin: adminNamespace(io), closeAdapter: () => duplicates.forEach((d) => d.disconnect()) };
}

/**
 * The `/admin` namespace with its own event maps. Socket.IO types `of()` with
 * the parent server's maps, so this is the one place where the reader server's
 * types are exchanged for the admin ones (the namespace object is the same).
 */
function adminNamespace(io: ParleyServer): AdminNamespace {
  const nsp: Namespace = io.of('/admin');
  return nsp as AdminNamespace;
}

/** The client IP of a handshake, honouring the same TRUST_PROXY rule as Express. */
export function handshakeIp(
  address: string,
  headers: IncomingMessage['headers'],
  trust: (addr: string, i: number) => boolean,
): string {
  const req = {
    headers,
    connection: { remoteAddress: address },
    socket: { remoteAddress: address },
  } as unknown as IncomingMessage;
  return proxyaddr(req, trust);
}
