import { TtlCache } from '../../infra/ttl-cache';
import { isPageKeyOf, pageKey } from './page-key';
import type { PagesRepository } from './pages.repository';

/** Title and URL a post may tell about its page (kept when the page is created). */
export type PageMeta = { title?: string; url?: string };

/** What readers and writers need of a page: its visible count and whether it is locked. */
export interface PageState {
  total: number;
  locked: boolean;
}

/** How long a page state or a site's lock set is served without a change notice: what a lost cross-node notice can leave stale. */
export const PAGE_STATE_TTL_MS = 1000;

/**
 * Page state as the use cases see it: visible totals, locks and counter
 * writes, with this node's caches in front of the store. Joins arrive in
 * thousands when an article is published and every write checks the lock, so
 * both are served from memory; counter writes are tracked so that totals read
 * on this node wait for them (read your own writes) while posts do not.
 */
export class PagesService {
  /**
   * Page states for `page:join`: joins arrive in thousands when an article is published,
   * and on the embedded store each page lookup is a collection scan. Dropped at once by
   * this node's changes and by other nodes' notices of a lock.
   */
  private readonly states = new TtlCache<PageState>({ ttlMs: PAGE_STATE_TTL_MS, maxEntries: 20_000 });
  /**
   * Each site's locked pages, for the lock check of every write: kept apart from the page
   * states so that counter changes (every post) do not drop it, and per site so that a
   * post on a page nobody wrote to lately is no store scan either.
   */
  private readonly locked = new TtlCache<ReadonlySet<string>>({ ttlMs: PAGE_STATE_TTL_MS, maxEntries: 5000 });
  /** Counter writes still running, per page. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly repo: PagesRepository) {}

  /** Visible count and lock state of a page (cached on this node; waits for this node's counter writes). */
  async summary(siteId: string, pageId: string): Promise<PageState> {
    await this.settled(siteId, pageId);
    return this.states.get(pageKey(siteId, pageId), async () => {
      const page = await this.repo.get(siteId, pageId);
      return { total: Math.max(0, page.visibleCount), locked: page.locked };
    });
  }

  /** The page's visible comment count, read from the store after this node's pending counter writes. */
  async visibleCount(siteId: string, pageId: string): Promise<number> {
    await this.settled(siteId, pageId);
    return Math.max(0, (await this.repo.get(siteId, pageId)).visibleCount);
  }

  /** Visible counts of several pages, after this node's pending counter writes to them. */
  async counts(siteId: string, pageIds: string[]): Promise<Record<string, number>> {
    await Promise.all(pageIds.map((pageId) => this.settled(siteId, pageId)));
    return this.repo.counts(siteId, pageIds);
  }

  /** Whether writes to the page are refused (from the site's cached set of locked pages). */
  async isLocked(siteId: string, pageId: string): Promise<boolean> {
    return (await this.locked.get(siteId, () => this.repo.lockedPages(siteId))).has(pageId);
  }

  /** Locks or unlocks a page and drops what this node cached of it. */
  async setLocked(siteId: string, pageId: string, locked: boolean): Promise<void> {
    await this.repo.setLocked(siteId, pageId, locked);
    this.forgetPage(siteId, pageId);
  }

  /** Creates the page document with its metadata if it does not exist yet. */
  ensure(siteId: string, pageId: string, meta: PageMeta): Promise<void> {
    return this.repo.ensure(siteId, pageId, meta);
  }

  /**
   * Adds `delta` to the page's visible count (creating the page) together with
   * any other counter write of the same change (`alongside`, e.g. a parent's
   * reply count), tracked until done and with the cached state dropped before
   * and after, so a total loaded while the counter was written is not kept.
   */
  addVisible(siteId: string, pageId: string, delta: number, meta: PageMeta = {}, alongside?: Promise<unknown>): Promise<void> {
    const key = pageKey(siteId, pageId);
    this.states.forget(key);
    const write = Promise.all([this.repo.addVisible(siteId, pageId, delta, meta), alongside]).then(
      () => this.states.forget(key),
      (err: unknown) => {
        this.states.forget(key);
        throw err;
      },
    );
    const before = this.writes.get(key);
    const settled: Promise<void> = Promise.allSettled(before ? [before, write] : [write]).then(() => {
      if (this.writes.get(key) === settled) this.writes.delete(key);
    });
    this.writes.set(key, settled);
    return write;
  }

  /** Drops a page's cached state after a change on this node. */
  forgetPage(siteId: string, pageId: string): void {
    this.states.forget(pageKey(siteId, pageId));
    this.locked.forget(siteId);
  }

  /** Drops the cached states of a site's pages (a page was locked on another node). */
  forgetSite(siteId: string): void {
    this.states.forgetWhere((key) => isPageKeyOf(key, siteId));
    this.locked.forget(siteId);
  }

  private async settled(siteId: string, pageId: string): Promise<void> {
    const pending = this.writes.get(pageKey(siteId, pageId));
    if (pending) await pending;
  }
}
