import type { CommentPage } from '@parley/protocol';
import { TtlCache } from '../../infra/ttl-cache';
import { pageKey } from '../pages/page-key';

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

/** Listings kept per page (sorts × cursors × reply threads). */
const MAX_LISTINGS_PER_PAGE = 500;

/**
 * A per-node cache of anonymous listings (first pages and cursor pages) of hot
 * threads: when an article is published thousands of readers GET the same
 * page, and the store answers each such query in tens of milliseconds.
 * Entries are dropped by this node's domain events at once and expire after
 * a second, which bounds what a write on another node can leave stale.
 * Concurrent misses share one store query (see TtlCache).
 */
export class ListingCache {
  private readonly pages = new Map<string, TtlCache<CommentPage>>();

  /** The cached listing for `key` on a page, or the result of `load` (cached unless the page changed meanwhile). */
  get(siteId: string, pageId: string, key: string, load: () => Promise<CommentPage>): Promise<CommentPage> {
    const pk = pageKey(siteId, pageId);
    let page = this.pages.get(pk);
    if (!page) {
      if (this.pages.size >= MAX_PAGES) this.pages.clear();
      page = new TtlCache({ ttlMs: TTL_MS, refreshAfterMs: REFRESH_AFTER_MS, maxEntries: MAX_LISTINGS_PER_PAGE });
      this.pages.set(pk, page);
    }
    return page.get(key, load);
  }

  /** Forgets every listing of a page after a change on this node. */
  invalidate(siteId: string, pageId: string): void {
    this.pages.get(pageKey(siteId, pageId))?.clear();
  }
}
