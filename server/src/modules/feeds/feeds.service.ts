import { Feed } from 'feed';
import type { Comment } from '../comments/comment';
import type { CommentsRepository } from '../comments/comments.repository';
import type { PagesRepository } from '../pages/pages.repository';
import type { SitesService } from '../sites/sites.service';

/** Entries in one feed: the latest visible comments. */
export const FEED_ENTRIES = 50;

/** Dependencies of {@link FeedsService}. */
export interface FeedsDeps {
  comments: CommentsRepository;
  pages: PagesRepository;
  sites: SitesService;
}

/** Escapes text for an Atom element of `type="html"` (the feed library wraps it in CDATA as it is). */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Text for an element the feed library writes as XML text. It escapes `<` and `>` but leaves
 * an `&` that already looks like an entity alone, so a name containing "&amp;" would lose
 * characters: escaping every `&` first keeps the text exact.
 */
function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;');
}

/** Only http(s) article URLs become links: a poster-supplied `javascript:` URL never does. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Percent-encoded page id, as in the REST paths (SPEC "Words"). */
const seg = (pageId: string) => encodeURIComponent(pageId);

/**
 * Atom 1.0 feeds of a page's or a site's latest visible comments (never held,
 * rejected or deleted ones). Entry content is the comment's stored HTML, which
 * was sanitized with the allow-list when it was written.
 */
export class FeedsService {
  constructor(private readonly deps: FeedsDeps) {}

  /** The Atom XML of one page's latest comments. `base` is the public origin of this server. */
  async pageFeed(siteId: string, pageId: string, base: string): Promise<string> {
    const site = await this.deps.sites.get(siteId);
    const { items } = await this.deps.comments.recent({ siteId, pageId, statuses: ['visible'], limit: FEED_ENTRIES });
    const self = `${base}/api/v1/sites/${siteId}/pages/${seg(pageId)}/feed.atom`;
    const meta = (await this.deps.pages.meta(siteId, [pageId])).get(pageId);
    const title = `${site.name}: comments on ${meta?.title ?? pageId}`;
    return this.render(
      siteId,
      { id: `urn:parley:${siteId}:page:${seg(pageId)}`, title, self, link: meta?.url && isWebUrl(meta.url) ? meta.url : null },
      items,
      base,
    );
  }

  /** The Atom XML of a site's latest comments across its pages. */
  async siteFeed(siteId: string, base: string): Promise<string> {
    const site = await this.deps.sites.get(siteId);
    const { items } = await this.deps.comments.recent({ siteId, statuses: ['visible'], limit: FEED_ENTRIES });
    const self = `${base}/api/v1/sites/${siteId}/feed.atom`;
    return this.render(
      siteId,
      { id: `urn:parley:${siteId}:site`, title: `${site.name}: latest comments`, self, link: null },
      items,
      base,
    );
  }

  private async render(
    siteId: string,
    head: { id: string; title: string; self: string; link: string | null },
    items: Comment[],
    base: string,
  ): Promise<string> {
    const pages = await this.deps.pages.meta(siteId, [...new Set(items.map((c) => c.pageId))]);
    const feed = new Feed({
      id: head.id,
      title: xmlText(head.title),
      link: head.link ?? undefined,
      feedLinks: { atom: head.self },
      // The latest change among the entries; an empty feed (still valid Atom) says "now".
      updated: items.length ? new Date(Math.max(...items.map((c) => (c.editedAt ?? c.createdAt).getTime()))) : new Date(),
      generator: 'Parley',
    });
    for (const c of items) {
      const page = pages.get(c.pageId);
      // Entries need no link (they carry content), but a page whose URL is known links its article.
      const link =
        page?.url && isWebUrl(page.url)
          ? `${page.url.split('#')[0]}#parley-comment-${c.id}`
          : `${base}/api/v1/sites/${c.siteId}/pages/${seg(c.pageId)}/comments`;
      feed.addItem({
        id: `urn:parley:${c.siteId}:comment:${c.id}`,
        title: escapeHtml(`${c.authorName} on ${page?.title ?? c.pageId}`),
        link,
        date: c.editedAt ?? c.createdAt,
        published: c.createdAt,
        author: [{ name: xmlText(c.authorName) }],
        content: c.html,
      });
    }
    return feed.atom1();
  }
}
