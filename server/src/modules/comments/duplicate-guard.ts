import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long the same body on the same page by the same author counts as a duplicate. */
export const DUPLICATE_WINDOW_SEC = 60;

/** Outcome of {@link DuplicateGuard.claim}. */
export type BodyClaim = 'claimed' | 'same-nonce' | 'duplicate';

/** Dependencies of {@link DuplicateGuard}. */
export interface DuplicateGuardDeps {
  redis: Redis | null;
  keyPrefix: string;
  /** Called when Redis fails a claim and this node's memory answers instead. */
  onFallback?: () => void;
}

/**
 * Refuses the same body posted twice on one page by one author within a
 * minute, across nodes through Redis; per node in memory while Redis is away.
 */
export class DuplicateGuard {
  private readonly local = new Map<string, { nonce: string; until: number }>();
  constructor(private readonly deps: DuplicateGuardDeps) {}

  private key(parts: string[]): string {
    return `${this.deps.keyPrefix}dup:${createHash('sha256').update(parts.join('\u0001')).digest('base64url')}`;
  }

  /**
   * Claims "this author posts this body on this page" for 60 s. Returns
   * `claimed` for a first post, `same-nonce` when the earlier claim carried the
   * same client nonce (a retry, which the nonce index resolves), else `duplicate`.
   */
  async claim(parts: string[], nonce: string): Promise<BodyClaim> {
    const key = this.key(parts);
    const redis = this.deps.redis;
    if (redis && redis.status === 'ready') {
      try {
        const ok = await redis.set(key, nonce, 'EX', DUPLICATE_WINDOW_SEC, 'NX');
        if (ok === 'OK') return 'claimed';
        return (await redis.get(key)) === nonce ? 'same-nonce' : 'duplicate';
      } catch {
        this.deps.onFallback?.();
      }
    }
    const now = Date.now();
    const hit = this.local.get(key);
    if (hit && hit.until > now) return hit.nonce === nonce ? 'same-nonce' : 'duplicate';
    this.local.set(key, { nonce, until: now + DUPLICATE_WINDOW_SEC * 1000 });
    if (this.local.size > 50_000) for (const [k, v] of this.local) if (v.until <= now) this.local.delete(k);
    return 'claimed';
  }

  /** Releases a claim after the post failed, so a corrected retry is not a "duplicate". */
  async release(parts: string[]): Promise<void> {
    const key = this.key(parts);
    this.local.delete(key);
    if (this.deps.redis && this.deps.redis.status === 'ready') await this.deps.redis.del(key).catch(() => undefined);
  }
}
