/** What readers and writers need of a page: its visible count and whether it is locked. */
export interface PageState {
  total: number;
  locked: boolean;
}

/** How long a page state is served without a change notice: what a lost cross-node notice can leave stale. */
export const PAGE_STATE_TTL_MS = 1000;
/** Pages tracked at most; past it the cache starts over rather than grow. */
const MAX_PAGES = 20_000;

interface Entry {
  siteId: string;
  /** Bumped by every change, so a load that started before a lock or count change never stores its result. */
  gen: number;
  at: number;
  value: Promise<PageState> | null;
}

/**
 * A per-node cache of page states for `page:join`: joins arrive in thousands
 * when an article is published, and on the embedded store each page lookup
 * is a collection scan. Dropped at once by this node's changes (locks,
 * counter updates) and by other nodes' notices of a lock; expires after a
 * second in any case. Concurrent misses share one load.
 */
export class PageStateCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly load: (siteId: string, pageId: string) => Promise<PageState>) {}

  private static key(siteId: string, pageId: string): string {
    return `${siteId}\u0000${pageId}`;
  }

  /** The page's state, from the cache when fresh. */
  async get(siteId: string, pageId: string): Promise<PageState> {
    const key = PageStateCache.key(siteId, pageId);
    let entry = this.entries.get(key);
    if (entry?.value && Date.now() - entry.at < PAGE_STATE_TTL_MS) return entry.value;
    if (!entry) {
      if (this.entries.size >= MAX_PAGES) this.entries.clear();
      entry = { siteId, gen: 0, at: 0, value: null };
      this.entries.set(key, entry);
    }
    const gen = entry.gen;
    const value = this.load(siteId, pageId);
    Object.assign(entry, { at: Date.now(), value });
    try {
      await value;
    } catch (err) {
      if (entry.value === value) entry.value = null;
      throw err;
    }
    // The page changed while the store answered: this result may predate the change.
    if (entry.gen !== gen && entry.value === value) entry.value = null;
    return value;
  }

  /** Forgets a page's state after a change on this node. */
  forget(siteId: string, pageId: string): void {
    const entry = this.entries.get(PageStateCache.key(siteId, pageId));
    if (!entry) return;
    entry.gen++;
    entry.value = null;
  }

  /** Forgets every page of a site (a lock changed on another node; notices name only the site). */
  forgetSite(siteId: string): void {
    for (const entry of this.entries.values()) {
      if (entry.siteId !== siteId) continue;
      entry.gen++;
      entry.value = null;
    }
  }
}
