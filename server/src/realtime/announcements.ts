import type { Redis } from 'ioredis';
import type { ServerToClientEvents } from '@parley/protocol';
import type { ParleyServer } from './io';

/** How far back a retried post's comment is looked for in the adapter's stream (its first attempt is this recent). */
export const RETRY_LOOKBACK_MS = 2 * 60 * 1000;
const PAGE = 500;
/** The wire event a retried post looks for (typed against the contract, so a rename breaks the build). */
const CREATED_EVENT: keyof ServerToClientEvents = 'comment:created';
const MAX_PAGES = 40;

/**
 * Whether a `comment:created` for `commentId` is in the adapter's Redis stream since `sinceMs`,
 * i.e. whether some node announced it to every node. The stream is the record of what went out,
 * so a retried post can tell "stored but never announced" (its node died in between) from
 * "already delivered" without a second write per post. Null when Redis cannot tell right now.
 */
export async function announcedInStream(
  redis: Redis,
  streamName: string,
  commentId: string,
  sinceMs: number,
): Promise<boolean | null> {
  const needle = `"id":"${commentId}"`;
  let start = `${Math.max(0, sinceMs)}-0`;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const entries = await redis.xrange(streamName, start, '+', 'COUNT', PAGE);
      for (const [, fields] of entries) {
        const data = fields[fields.indexOf('data') + 1] ?? '';
        if (data.includes(`"${CREATED_EVENT}"`) && data.includes(needle)) return true;
      }
      if (entries.length < PAGE) return false;
      const [ms, seq] = entries[entries.length - 1]![0].split('-');
      start = `${ms}-${Number(seq) + 1}`;
    }
    return null;
  } catch {
    return null;
  }
}

type Emit = () => void;

/**
 * Runs an emit and returns a promise for the adapter's handling of it: with the Redis adapter
 * that is "published to the stream (or failed to), then delivered to this node's sockets". The
 * adapter's broadcast is called synchronously by `emit`, so the promise it returned is captured.
 */
export function publishing(io: ParleyServer): (emit: Emit) => Promise<void> {
  const adapter = io.of('/').adapter as unknown as {
    broadcast: (packet: unknown, opts: unknown) => Promise<void> | void;
  };
  const original = adapter.broadcast.bind(adapter);
  let last: Promise<void> | void = undefined;
  adapter.broadcast = (packet, opts) => (last = original(packet, opts));
  return (emit) => {
    last = undefined;
    emit();
    const pending = last as Promise<void> | void;
    last = undefined;
    return Promise.resolve(pending).catch(() => undefined);
  };
}
