/** How long a site's ban list is served without a change notice: what a lost cross-node notice can leave stale. */
export const BAN_CACHE_TTL_MS = 1000;
/** Sites tracked at most; past it the cache starts over rather than grow. */
const MAX_SITES = 5000;

/** A site's bans: user id → end of the ban (null: until lifted). */
export type BanList = ReadonlyMap<string, Date | null>;

interface SiteEntry {
  /** Bumped by every change, so a load that started before a ban never stores its result. */
  gen: number;
  at: number;
  value: Promise<BanList> | null;
}

/**
 * A per-node cache of each site's whole ban list, so posting does not query
 * the store for a ban on every comment (the embedded store scans a collection
 * per filtered query, and loading a site's few bans costs the same as looking
 * one up). Dropped at once by this node's own bans and unbans and by change
 * notices from other nodes; expires after a second in any case. Concurrent
 * misses share one load; expiry dates are compared at check time.
 */
export class BanCache {
  private readonly sites = new Map<string, SiteEntry>();
  constructor(private readonly load: (siteId: string) => Promise<BanList>) {}

  /** Whether `userId` is banned on the site at `now`. */
  async isBanned(siteId: string, userId: string, now = new Date()): Promise<boolean> {
    const bans = await this.bansOf(siteId);
    if (!bans.has(userId)) return false;
    const until = bans.get(userId);
    return until === null || until === undefined || until > now;
  }

  private async bansOf(siteId: string): Promise<BanList> {
    let entry = this.sites.get(siteId);
    if (entry?.value && Date.now() - entry.at < BAN_CACHE_TTL_MS) return entry.value;
    if (!entry) {
      if (this.sites.size >= MAX_SITES) this.sites.clear();
      entry = { gen: 0, at: 0, value: null };
      this.sites.set(siteId, entry);
    }
    const gen = entry.gen;
    const value = this.load(siteId);
    Object.assign(entry, { at: Date.now(), value });
    try {
      await value;
    } catch (err) {
      if (entry.value === value) entry.value = null;
      throw err;
    }
    // A ban landed while the store answered: this result may predate it.
    if (entry.gen !== gen && entry.value === value) entry.value = null;
    return value;
  }

  /** Forgets a site's bans (after a ban or unban here, or a notice from another node). */
  forget(siteId: string): void {
    const entry = this.sites.get(siteId);
    if (!entry) return;
    entry.gen++;
    entry.value = null;
  }
}
