import { TtlCache } from '../../infra/ttl-cache';

/** A site's bans: user id → end of the ban (null: until lifted). */
export type BanList = ReadonlyMap<string, Date | null>;

/**
 * A per-node cache of each site's whole ban list, so posting does not query
 * the store for a ban on every comment. Dropped at once by this node's own
 * bans and unbans and by change notices from other nodes; expires after a
 * second in any case (see TtlCache). Expiry dates are compared at check time.
 */
export class BanCache {
  private readonly sites = new TtlCache<BanList>({ ttlMs: 1000, maxEntries: 5000 });
  constructor(private readonly load: (siteId: string) => Promise<BanList>) {}

  /** Whether `userId` is banned on the site at `now`. */
  async isBanned(siteId: string, userId: string, now = new Date()): Promise<boolean> {
    const bans = await this.sites.get(siteId, () => this.load(siteId));
    if (!bans.has(userId)) return false;
    const until = bans.get(userId);
    return until === null || until === undefined || until > now;
  }

  /** Forgets a site's bans (after a ban or unban here, or a notice from another node). */
  forget(siteId: string): void {
    this.sites.forget(siteId);
  }
}
