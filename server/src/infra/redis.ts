import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger';

/**
 * Client options shared by every Redis connection: reconnect forever with a
 * capped backoff, and fail queued commands after two reconnect attempts so no
 * request waits on a dead Redis for long (the offline queue stays bounded).
 */
export const REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 2,
  enableOfflineQueue: true,
  connectTimeout: 2000,
  disconnectTimeout: 300,
  retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  reconnectOnError: () => true,
};

/** How Redis was resolved at start. */
export interface RedisResolution {
  /** Null when running on the in-process fallback (single node only). */
  client: Redis | null;
  source: 'REDIS_URL' | 'local' | 'memory';
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

/** Creates a Redis client with Parley's reconnect policy, logging state changes. */
export function createRedis(url: string, logger: Logger, name = 'redis'): Redis {
  const client = new Redis(url, { ...REDIS_OPTIONS, connectionName: `parley-${name}` });
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
export async function resolveRedis(redisUrl: string | null, logger: Logger): Promise<RedisResolution> {
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
