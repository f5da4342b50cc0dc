import { PerSiteCache } from '../../infra/per-site-cache';

/** A site's bans: user id → end of the ban (null: until lifted). */
export type BanList = ReadonlyMap<string, Date | null>;

/**
 * A per-node cache of each site's whole ban list, so posting does not query
 * the store for a ban on every comment. Dropped at once by this node's own
 * bans and unbans and by change notices from other nodes; expires after a
 * second in any case (see PerSiteCache). Expiry dates are compared at check time.
 */
export class BanCache {
  private readonly sites: PerSiteCache<BanList>;
  constructor(load: (siteId: string) => Promise<BanList>) {
    this.sites = new PerSiteCache(load);
  }

  /** Whether `userId` is banned on the site at `now`. */
  async isBanned(siteId: string, userId: string, now = new Date()): Promise<boolean> {
    const bans = await this.sites.get(siteId);
    if (!bans.has(userId)) return false;
    const until = bans.get(userId);
    return until === null || until === undefined || until > now;
  }

  /** Forgets a site's bans (after a ban or unban here, or a notice from another node). */
  forget(siteId: string): void {
    this.sites.forget(siteId);
  }
}
