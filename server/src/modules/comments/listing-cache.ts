import type { CommentPage } from '@parley/protocol';

/** How long a cached listing may be served without a change notice (bounds staleness across nodes). */
const TTL_MS = 1000;
/**
 * Past this age a hit still answers at once but also starts one refresh in the
 * background, so a hot listing is renewed before it expires: otherwise every
 * expiry made all concurrent readers wait for one store query (tens of
 * milliseconds, more under load), which set the p99 of a hot thread's GET.
 */
const REFRESH_AFTER_MS = 600;
/** Pages tracked at most; past it the cache starts over rather than grow. */
const MAX_PAGES = 5000;

interface PageEntry {
  /** Bumped by every change of the page, so a read that started before a change never stores its result. */
  gen: number;
  listings: Map<string, Listing>;
}

interface Listing {
  /** When the store query that produced `value` started. */
  at: number;
  value: Promise<CommentPage>;
  refreshing?: boolean;
}

/**
 * A per-node cache of anonymous listings (first pages and cursor pages) of hot
 * threads: when an article is published thousands of readers GET the same
 * page, and the store answers each such query in tens of milliseconds.
 * Entries are dropped by this node's domain events at once and expire after
 * a second, which bounds what a write on another node can leave stale.
 * Concurrent misses share one store query.
 */
export class ListingCache {
  private readonly pages = new Map<string, PageEntry>();

  private static pageKey(siteId: string, pageId: string): string {
    return `${siteId}\u0000${pageId}`;
  }

  /** The cached listing for `key` on a page, or the result of `load` (cached unless the page changed meanwhile). */
  async get(siteId: string, pageId: string, key: string, load: () => Promise<CommentPage>): Promise<CommentPage> {
    const pk = ListingCache.pageKey(siteId, pageId);
    let page = this.pages.get(pk);
    const hit = page?.listings.get(key);
    if (page && hit && Date.now() - hit.at < TTL_MS) {
      if (Date.now() - hit.at >= REFRESH_AFTER_MS && !hit.refreshing) this.refresh(page, key, hit, load);
      return hit.value;
    }
    if (!page) {
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      page = { gen: 0, listings: new Map() };
      this.pages.set(pk, page);
    }
    const gen = page.gen;
    const value = load();
    const entry = { at: Date.now(), value };
    page.listings.set(key, entry);
    try {
      await value;
    } catch (err) {
      if (page.listings.get(key) === entry) page.listings.delete(key);
      throw err;
    }
    // A change landed while the store answered: the result may predate it, so it must not be served again.
    if (page.gen !== gen && page.listings.get(key) === entry) page.listings.delete(key);
    return value;
  }

  /** Loads a listing again while the current one keeps answering; swaps it in unless the page changed meanwhile. */
  private refresh(page: PageEntry, key: string, current: Listing, load: () => Promise<CommentPage>): void {
    current.refreshing = true;
    const gen = page.gen;
    const next: Listing = { at: Date.now(), value: load() };
    next.value.then(
      () => {
        if (page.gen === gen && page.listings.get(key) === current) page.listings.set(key, next);
      },
      () => {
        // The current listing stays until it expires; the next reader after that queries again.
        current.refreshing = false;
      },
    );
  }

  /** Forgets every listing of a page after a change on this node. */
  invalidate(siteId: string, pageId: string): void {
    const page = this.pages.get(ListingCache.pageKey(siteId, pageId));
    if (!page) return;
    page.gen++;
    page.listings.clear();
  }
}
