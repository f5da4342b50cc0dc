/** How long a site's entry is served without a change notice: what a lost cross-node notice can leave stale. */
export const PER_SITE_TTL_MS = 1000;
/** Sites tracked at most; past it the cache starts over rather than grow. */
const MAX_SITES = 5000;

interface Entry<T> {
  /** Bumped by every change, so a load that started before the change never stores its result. */
  gen: number;
  at: number;
  value: Promise<T> | null;
}

/**
 * A per-node cache of one small value per site (its bans, its locked pages),
 * for checks that run on every write: on the embedded store a filtered query
 * scans its collection, so loading a site's few bans or locks once costs what
 * looking one of them up costs. `forget` drops a site at once (after a change
 * on this node or a notice from another); entries expire after a second in
 * any case. Concurrent misses share one load.
 */
export class PerSiteCache<T> {
  private readonly sites = new Map<string, Entry<T>>();
  constructor(private readonly load: (siteId: string) => Promise<T>) {}

  /** The site's value, from the cache when fresh. */
  async get(siteId: string): Promise<T> {
    let entry = this.sites.get(siteId);
    if (entry?.value && Date.now() - entry.at < PER_SITE_TTL_MS) return entry.value;
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
    // The site changed while the store answered: this result may predate the change.
    if (entry.gen !== gen && entry.value === value) entry.value = null;
    return value;
  }

  /** Forgets a site's value (after a change here, or a notice from another node). */
  forget(siteId: string): void {
    const entry = this.sites.get(siteId);
    if (!entry) return;
    entry.gen++;
    entry.value = null;
  }
}
