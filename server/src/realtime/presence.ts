import type { Redis } from 'ioredis';
import type { Logger } from '../logger';

/** How often a node refreshes its presence entries, and when an entry is considered stale. */
const HEARTBEAT_MS = 20_000;
const STALE_MS = 65_000;
/** At most one presence update per page and node per second. */
const THROTTLE_MS = 1000;

/** Dependencies of {@link Presence}. */
export interface PresenceDeps {
  redis: Redis | null;
  nodeId: string;
  keyPrefix: string;
  logger: Logger;
  /** Sends the new count to the page's readers (on every node). */
  publish: (siteId: string, pageId: string, readers: number) => void;
}

/**
 * "N reading now", correct across nodes: each node counts its own readers per
 * page and writes that count into a Redis hash (field = node id, with a
 * timestamp, so a crashed node's entry ages out); the sum is the page's
 * presence. Updates are throttled per page, so a join storm costs one Redis
 * round trip per page and second, not one per reader.
 */
export class Presence {
  private readonly local = new Map<string, { siteId: string; pageId: string; count: number }>();
  /** This node's count per page at its last flush: a flush that changes nothing here publishes nothing. */
  private readonly flushed = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastFlush = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  constructor(private readonly deps: PresenceDeps) {
    this.heartbeat = setInterval(() => void this.refreshAll(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private key(siteId: string, pageId: string): string {
    return `${this.deps.keyPrefix}presence:${siteId}:${pageId}`;
  }

  /** A reader on this node opened the page. */
  join(siteId: string, pageId: string): void {
    this.change(siteId, pageId, +1);
  }

  /** A reader on this node left the page (or disconnected). */
  leave(siteId: string, pageId: string): void {
    this.change(siteId, pageId, -1);
  }

  /**
   * Readers of a page across nodes right now: this node's own count (which may
   * not be flushed yet) plus the fresh entries of the other nodes. Only this
   * node's count when Redis is unavailable.
   */
  async readers(siteId: string, pageId: string): Promise<number> {
    const key = this.key(siteId, pageId);
    const mine = this.local.get(key)?.count ?? 0;
    const redis = this.deps.redis;
    if (!redis || redis.status !== 'ready') return mine;
    try {
      return mine + sumFresh(await redis.hgetall(key), Date.now(), this.deps.nodeId);
    } catch (err) {
      this.deps.logger.debug({ err }, 'presence read failed; using this node only');
      return mine;
    }
  }

  private change(siteId: string, pageId: string, delta: number): void {
    const key = this.key(siteId, pageId);
    const entry = this.local.get(key) ?? { siteId, pageId, count: 0 };
    entry.count = Math.max(0, entry.count + delta);
    this.local.set(key, entry);
    if (this.timers.has(key)) return;
    const wait = Math.max(0, THROTTLE_MS - (Date.now() - (this.lastFlush.get(key) ?? 0)));
    this.timers.set(
      key,
      setTimeout(() => void this.flush(key), wait),
    );
  }

  private async flush(key: string): Promise<void> {
    this.timers.delete(key);
    this.lastFlush.set(key, Date.now());
    const entry = this.local.get(key);
    if (!entry) return;
    let total = entry.count;
    const redis = this.deps.redis;
    if (redis && redis.status === 'ready') {
      try {
        const multi = redis.multi();
        if (entry.count > 0) multi.hset(key, this.deps.nodeId, `${entry.count}|${Date.now()}`).pexpire(key, STALE_MS * 2);
        else multi.hdel(key, this.deps.nodeId);
        multi.hgetall(key);
        const results = await multi.exec();
        total = sumFresh((results?.at(-1)?.[1] ?? {}) as Record<string, string>, Date.now());
      } catch (err) {
        this.deps.logger.debug({ err }, 'presence update failed; using this node only');
      }
    }
    const before = this.flushed.get(key) ?? 0;
    if (entry.count === 0) {
      this.local.delete(key);
      this.flushed.delete(key);
    } else this.flushed.set(key, entry.count);
    // Compare with this node's own last count, never with the last total it saw:
    // other nodes publish totals too, so a remembered total goes stale and would
    // swallow a real change (1 → 2 on node B, then back to 1 when A's reader leaves).
    if (entry.count === before) return;
    this.deps.publish(entry.siteId, entry.pageId, total);
  }

  private async refreshAll(): Promise<void> {
    const redis = this.deps.redis;
    if (!redis || redis.status !== 'ready' || this.local.size === 0) return;
    const multi = redis.multi();
    for (const [key, e] of this.local)
      if (e.count > 0) multi.hset(key, this.deps.nodeId, `${e.count}|${Date.now()}`).pexpire(key, STALE_MS * 2);
    await multi.exec().catch(() => undefined);
  }

  /** Removes this node's entries (graceful shutdown) and stops timers. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const redis = this.deps.redis;
    if (redis && redis.status === 'ready' && this.local.size) {
      const multi = redis.multi();
      for (const key of this.local.keys()) multi.hdel(key, this.deps.nodeId);
      await multi.exec().catch(() => undefined);
    }
    this.local.clear();
    this.flushed.clear();
  }
}

/** Sums the counts of presence entries (`count|timestamp` per node) newer than the stale limit, optionally leaving one node out. Pure. */
export function sumFresh(entries: Record<string, string>, now: number, exceptNode?: string): number {
  let total = 0;
  for (const [node, value] of Object.entries(entries)) {
    if (node === exceptNode) continue;
    const [count, at] = value.split('|').map(Number);
    if (Number.isFinite(count) && Number.isFinite(at) && now - at! < STALE_MS) total += count!;
  }
  return total;
}
