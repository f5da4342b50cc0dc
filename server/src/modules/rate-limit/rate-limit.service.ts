import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SiteLimits } from '@parley/protocol';
import { errors } from '../../errors';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { KeyHasher } from '../trust/key-hasher';
import type { LimitName } from './limits';

/** Window of each named limit, in seconds. */
export const LIMIT_WINDOW_SEC: Record<LimitName, number> = {
  postsPerMinutePerUser: 60,
  postsPerMinutePerIp: 60,
  guestTokensPerHourPerIp: 3600,
  flagsPerHourPerUser: 3600,
  connectionsPerMinutePerIp: 60,
};

/** Outcome of one {@link RateLimitService.consume}. */
export type Decision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Dependencies of {@link RateLimitService}. */
export interface RateLimitDeps {
  redis: Redis | null;
  keyPrefix: string;
  logger: Logger;
  metrics: Metrics;
  /**
   * Hashes every limiter key before it reaches Redis or memory (keys carry IP
   * addresses and user ids, which are never stored in clear); without one keys stay as given.
   */
  hasher?: KeyHasher;
}

/** A window of this length counts every post of a site, to see bursts (not a limit). */
export const SITE_BURST_WINDOW_SEC = 60;

/**
 * The one rate-limit policy: named per-site limits on Redis, shared by every
 * node. Failure mode (deliberate): when Redis is unreachable each limiter
 * falls back to an in-memory insurance limiter with the same budget, so limits
 * keep holding per node (fail-safe, never fail-open, never a 500), a warning is
 * logged and `parley_rate_limit_fallback_total` counts each such decision.
 * Once Redis answers again the shared counters take over by themselves.
 */
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private lastFallbackWarn = 0;
  constructor(private readonly deps: RateLimitDeps) {
    // Publish every limit's series at 0 so dashboards and alerts see them before the first refusal.
    for (const name of Object.keys(LIMIT_WINDOW_SEC)) deps.metrics.rateLimited.inc({ limit: name }, 0);
  }

  private limiter(name: LimitName, points: number): RateLimiterAbstract {
    const id = `${name}:${points}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = this.build({ keyPrefix: `${this.deps.keyPrefix}rl:${name}`, points, duration: LIMIT_WINDOW_SEC[name] });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** A limiter on Redis with a same-budget memory insurance, or memory alone without Redis. */
  private build(opts: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
    const memory = new RateLimiterMemory(opts);
    return this.deps.redis
      ? new RateLimiterRedis({ ...opts, storeClient: this.deps.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory;
  }

  /** Counts (and now and then logs) a decision taken without Redis; other Redis-backed guards report theirs here too. */
  noteFallback(): void {
    if (!this.deps.redis || this.deps.redis.status === 'ready') return;
    this.deps.metrics.rateLimitFallback.inc();
    if (Date.now() - this.lastFallbackWarn > 30_000) {
      this.lastFallbackWarn = Date.now();
      this.deps.logger.warn('redis unavailable: rate limits are enforced per node by the in-memory insurance limiter');
    }
  }

  private stored(key: string): string {
    return this.deps.hasher ? this.deps.hasher.hash(key) : key;
  }

  /** Takes `points` from a named limit for `key`; never throws on Redis errors. */
  async consume(name: LimitName, limits: SiteLimits, key: string, points = 1): Promise<Decision> {
    this.noteFallback();
    try {
      await this.limiter(name, limits[name]).consume(this.stored(key), points);
      return { allowed: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        this.deps.metrics.rateLimited.inc({ limit: name });
        return { allowed: false, retryAfterMs: Math.max(1, err.msBeforeNext) };
      }
      // Both Redis and the insurance limiter failed: let the request through
      // rather than answer 500; this cannot happen with a memory insurance.
      this.deps.logger.error({ err }, 'rate limiter failed');
      return { allowed: true };
    }
  }

  /** Like {@link consume}, but throws `429 rate_limited` with the retry delay. */
  async enforce(name: LimitName, limits: SiteLimits, key: string): Promise<void> {
    const decision = await this.consume(name, limits, key);
    if (!decision.allowed) throw errors.rateLimited(decision.retryAfterMs);
  }

  /** Points already taken from a named limit for `key` in its current window (0 when unknown or on errors). */
  async used(name: LimitName, limits: SiteLimits, key: string): Promise<number> {
    try {
      const res = await this.limiter(name, limits[name]).get(this.stored(key));
      return res?.consumedPoints ?? 0;
    } catch {
      return 0;
    }
  }

  private siteBurst(): RateLimiterAbstract {
    const id = 'siteBurst';
    let limiter = this.limiters.get(id);
    if (!limiter) {
      // Counts only: its budget is never meant to be reached.
      limiter = this.build({
        keyPrefix: `${this.deps.keyPrefix}rl:sitePosts`,
        points: 1_000_000_000,
        duration: SITE_BURST_WINDOW_SEC,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** Counts one post of a site (for burst detection across nodes); never throws. */
  async countSitePost(siteId: string): Promise<void> {
    await this.siteBurst()
      .consume(siteId, 1)
      .catch(() => undefined);
  }

  /** Posts of a site in the current burst window, across nodes (0 on errors). */
  async sitePosts(siteId: string): Promise<number> {
    try {
      return (await this.siteBurst().get(siteId))?.consumedPoints ?? 0;
    } catch {
      return 0;
    }
  }
}
