import type { Redis } from 'ioredis';

/**
 * Adds an item to the open gather window of a stream (one reader's thread, one moderator): creates the window
 * when none is open, due at max(now + first delay, last send + gather window). Returns [windowId, dueAt].
 * Atomic in Redis, so nodes racing on one stream agree on one window.
 */
const JOIN = `
local id = redis.call('GET', KEYS[1])
local due
if not id then
  local last = tonumber(redis.call('GET', KEYS[2]) or '0')
  due = math.max(tonumber(ARGV[1]) + tonumber(ARGV[3]), last + tonumber(ARGV[2]))
  id = ARGV[5] .. '.' .. due
  redis.call('SET', KEYS[1], id, 'PX', tonumber(ARGV[2]) * 4 + 86400000)
else
  due = tonumber(string.match(id, '%.(%d+)$'))
end
redis.call('SADD', ARGV[6] .. id, ARGV[4])
redis.call('PEXPIRE', ARGV[6] .. id, 30 * 86400000)
return {id, tostring(due)}
`;

/**
 * Closes a window when its job starts (only if it is still the open one; a retry finds it closed already),
 * records the send time that spaces the next window, and returns the window's items.
 */
const CLOSE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[2], 'PX', tonumber(ARGV[3]) * 2)
end
return redis.call('SMEMBERS', KEYS[3])
`;

/** Gather windows in Redis (stream names use no `:`, as BullMQ job ids may not): at most one mail per stream per window; items that arrive meanwhile wait for the next. */
export class GatherWindows {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly gatherMs: number,
    /** Delay of a stream's first mail (items arriving within it join it). */
    private readonly firstDelayMs: number,
  ) {}

  private keys(stream: string) {
    return {
      open: `${this.prefix}notify:open:${stream}`,
      last: `${this.prefix}notify:last:${stream}`,
      items: `${this.prefix}notify:items:`,
    };
  }

  /** Adds an item; returns the window (also the job id) and when it is due. */
  async join(stream: string, item: string, now = Date.now()): Promise<{ windowId: string; dueAt: number }> {
    const k = this.keys(stream);
    const [windowId, due] = (await this.redis.eval(
      JOIN,
      2,
      k.open,
      k.last,
      String(now),
      String(this.gatherMs),
      String(this.firstDelayMs),
      item,
      stream,
      k.items,
    )) as [string, string];
    return { windowId, dueAt: Number(due) };
  }

  /** Closes the window (idempotent) and returns its items. */
  async close(stream: string, windowId: string, now = Date.now()): Promise<string[]> {
    const k = this.keys(stream);
    return (await this.redis.eval(
      CLOSE,
      3,
      k.open,
      k.last,
      k.items + windowId,
      windowId,
      String(now),
      String(this.gatherMs),
    )) as string[];
  }

  /** Forgets a window's items once its mail went out. */
  async done(windowId: string): Promise<void> {
    await this.redis.del(`${this.prefix}notify:items:${windowId}`);
  }
}
