import { TtlCache } from '../../infra/ttl-cache';

/** One ban: its end (null: until lifted) and whether it is a shadow ban. */
export interface BanEntry {
  until: Date | null;
  shadow: boolean;
}

/** A site's bans by user id. */
export type BanList = ReadonlyMap<string, BanEntry>;

/** What a ban means for a user right now. */
export type BanState = 'none' | 'banned' | 'shadow';

/**
 * A per-node cache of each site's whole ban list, so posting does not query
 * the store for a ban on every comment. Dropped at once by this node's own
 * bans and unbans and by change notices from other nodes; expires after a
 * second in any case (see TtlCache). Expiry dates are compared at check time.
 */
export class BanCache {
  private readonly sites = new TtlCache<BanList>({ ttlMs: 1000, maxEntries: 5000 });
  constructor(private readonly load: (siteId: string) => Promise<BanList>) {}

  /** Whether `userId` is banned (openly or in the shadow) on the site at `now`. */
  async state(siteId: string, userId: string, now = new Date()): Promise<BanState> {
    const ban = (await this.sites.get(siteId, () => this.load(siteId))).get(userId);
    if (!ban || (ban.until !== null && ban.until <= now)) return 'none';
    return ban.shadow ? 'shadow' : 'banned';
  }

  /** Whether `userId` is openly banned on the site at `now` (a shadow ban is not: that user keeps writing). */
  async isBanned(siteId: string, userId: string, now = new Date()): Promise<boolean> {
    return (await this.state(siteId, userId, now)) === 'banned';
  }

  /** Forgets a site's bans (after a ban or unban here, or a notice from another node). */
  forget(siteId: string): void {
    this.sites.forget(siteId);
  }
}
