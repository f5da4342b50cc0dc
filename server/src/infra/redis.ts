import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger';

/** How long a request-path Redis command may take before its caller takes the fallback. */
export const REDIS_COMMAND_TIMEOUT_MS = 400;
/** How long a connection with commands pending may stay silent before it is dropped and re-dialled (a hang or a partition). */
export const REDIS_SOCKET_TIMEOUT_MS = 2500;

/**
 * Client options shared by every Redis connection: reconnect forever with a
 * capped backoff, and fail queued commands after two reconnect attempts so no
 * request waits on a dead Redis for long (the offline queue stays bounded).
 * A Redis that is there but does not answer (frozen, partitioned) is bounded
 * too: each command gives up after {@link REDIS_COMMAND_TIMEOUT_MS}, and a
 * connection that stays silent is torn down and re-dialled.
 */
export const REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 2,
  enableOfflineQueue: true,
  connectTimeout: 2000,
  disconnectTimeout: 300,
  commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
  keepAlive: 5000,
  retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  reconnectOnError: () => true,
};

/** Options for the adapter's blocking readers: no command deadline (XREAD blocks on purpose), silence still detected. */
export const BLOCKING_READER_OPTIONS: RedisOptions = { commandTimeout: undefined, enableOfflineQueue: true };

type Command = Parameters<Redis['sendCommand']>[0];
type CommandStream = Parameters<Redis['sendCommand']>[1];

/**
 * Treats a Redis that stopped answering like one that is down: after one
 * command times out, every further plain command on this client fails at once
 * (so rate limits, the duplicate guard and presence take their fallbacks
 * without waiting) until a probing PING is answered. Pipelines are left alone
 * (they are not on a request path and carry their own command deadline).
 */
export function failFastWhenStalled(client: Redis, onChange?: (stalled: boolean) => void): Redis {
  let stalled = false;
  let probe: NodeJS.Timeout | null = null;
  const setStalled = (value: boolean) => {
    if (stalled === value) return;
    stalled = value;
    onChange?.(value);
    if (value && !probe) {
      probe = setInterval(() => void client.ping().catch(() => undefined), 250);
      probe.unref();
    } else if (!value && probe) {
      clearInterval(probe);
      probe = null;
    }
  };
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: Command, stream?: CommandStream) => {
    // Only a ready connection fails fast: the handshake of a reconnect (INFO, CLIENT…) must go through.
    if (stream === undefined && stalled && client.status === 'ready' && command.name !== 'ping') {
      command.reject(new Error('redis is not answering; taking the fallback'));
      return command.promise;
    }
    const pending = send(command, stream);
    command.promise.then(
      () => setStalled(false),
      (err: Error) => {
        if (err.message === 'Command timed out') setStalled(true);
      },
    );
    return pending;
  };
  client.on('end', () => setStalled(false));
  return client;
}

/** How Redis was resolved at start. */
export interface RedisResolution {
  /** Null when running on the in-process fallback (single node only). */
  client: Redis | null;
  source: 'REDIS_SENTINELS' | 'REDIS_URL' | 'local' | 'memory';
  url: string | null;
}

function ping(url: string, timeoutMs: number): Promise<Redis | null> {
  return new Promise((resolve) => {
    const client = new Redis(url, { ...REDIS_OPTIONS, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    const timer = setTimeout(() => {
      client.disconnect();
      resolve(null);
    }, timeoutMs);
    client
      .connect()
      .then(() => client.ping())
      .then(() => {
        clearTimeout(timer);
        client.disconnect();
        resolve(client);
      })
      .catch(() => {
        clearTimeout(timer);
        client.disconnect();
        resolve(null);
      });
  });
}

/** Where Redis is: a URL, or a Sentinel set that names the current master (optionally with a URL for password/db). */
export type RedisTarget = string | { sentinels: { host: string; port: number }[]; name: string; url?: string | null };

/**
 * Client options for a Sentinel set: ioredis asks the sentinels for the master, re-asks after
 * every disconnect, and listens for `+switch-master` so a promoted replica is followed at once.
 * Every duplicate (the adapter's readers and publisher) inherits this.
 */
export function sentinelOptions(target: Exclude<RedisTarget, string>): RedisOptions {
  const auth = target.url ? new URL(target.url) : null;
  return {
    sentinels: target.sentinels,
    name: target.name,
    role: 'master',
    failoverDetector: true,
    sentinelRetryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 4), 1000),
    ...(auth?.password ? { password: decodeURIComponent(auth.password) } : {}),
    ...(auth?.username ? { username: decodeURIComponent(auth.username) } : {}),
    ...(auth && auth.pathname.length > 1 ? { db: Number(auth.pathname.slice(1)) || 0 } : {}),
  };
}

/** Creates a Redis client with Parley's reconnect policy, logging state changes. */
export function createRedis(target: RedisTarget, logger: Logger, name = 'redis'): Redis {
  const options = { ...REDIS_OPTIONS, connectionName: `parley-${name}` };
  const client = typeof target === 'string' ? new Redis(target, options) : new Redis({ ...options, ...sentinelOptions(target) });
  failFastWhenStalled(client, (stalled) =>
    stalled
      ? logger.warn({ client: name }, 'redis stopped answering; taking the fallbacks until it answers again')
      : logger.info({ client: name }, 'redis answers again'),
  );
  let down = false;
  client.on('error', (err) => {
    if (!down) logger.warn({ err: err.message, client: name }, 'redis connection error; reconnecting with backoff');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ client: name }, 'redis connection restored');
    down = false;
  });
  return client;
}

/**
 * Resolves Redis the SPEC's way: REDIS_URL, else a local Redis on 6379 if one
 * answers, else null (the in-process fallback, announced by the caller).
 */
export async function resolveRedis(
  redisUrl: string | null,
  logger: Logger,
  sentinel?: { sentinels: { host: string; port: number }[]; name: string } | null,
): Promise<RedisResolution> {
  if (sentinel) {
    const where = sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    return {
      client: createRedis({ ...sentinel, url: redisUrl }, logger),
      source: 'REDIS_SENTINELS',
      url: `sentinel://${where}/${sentinel.name}`,
    };
  }
  if (redisUrl) return { client: createRedis(redisUrl, logger), source: 'REDIS_URL', url: redisUrl };
  const local = 'redis://127.0.0.1:6379';
  if (await ping(local, 1000)) return { client: createRedis(local, logger), source: 'local', url: local };
  return { client: null, source: 'memory', url: null };
}

/** Pings Redis; resolves false instead of throwing. */
export async function pingRedis(client: Redis, timeoutMs = 1000): Promise<boolean> {
  if (client.status !== 'ready') return false;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The client the Socket.IO adapter publishes with: its own connection, so
 * that during a Redis outage (once it has been ready) it fails commands at
 * once instead of queueing them — the adapter then still delivers each event
 * to this node's sockets immediately (single-node events keep flowing) while
 * cross-node delivery pauses. The adapter also fires some commands without
 * awaiting them (session saves on disconnect, server-side emits); their
 * failures are marked handled so an outage never raises an unhandled rejection.
 */
export function adapterPublisher(client: Redis): Redis {
  // Not failFastWhenStalled: a late reply is not a lost event. A publish that timed out was still
  // written and reaches the other nodes when Redis answers; failing the next ones up front would
  // drop them for good after a mere event-loop stall. Each waits at most the command deadline.
  const pub = client.duplicate();
  pub.on('error', () => undefined);
  pub.once('ready', () => {
    pub.options.enableOfflineQueue = false;
  });
  for (const name of ['publish', 'set'] as const) {
    const send = pub[name].bind(pub) as (...args: unknown[]) => Promise<unknown>;
    (pub as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const pending = send(...args);
      pending.catch(() => undefined);
      return pending;
    };
  }
  return pub;
}
