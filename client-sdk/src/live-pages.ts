/**
 * The pages a reader client follows, and the delivery of `comment:created`
 * for them: at most once per comment id, oldest first, and — after a
 * reconnect the server could not recover — with the comments of the gap
 * refetched over REST and delivered before anything that arrived live meanwhile.
 */
import { fetchMissed, GAP_PAGE_SIZE, isNewer, RecentIds } from './gap';
import type { Comment, CommentPage, SortOrder } from './protocol';

/** What the page tracker needs from its client. */
export interface LivePagesDeps {
  /** Sends `page:join` (connecting first). */
  join: (pageId: string) => Promise<unknown>;
  /** One REST listing page of a page's top-level comments. */
  list: (pageId: string, q: { sort: SortOrder; limit: number; cursor?: string | null }) => Promise<CommentPage>;
  /** Hands a comment to the application's `comment:created` listeners. */
  emit: (comment: Comment) => void;
}

interface PageState {
  /** Newest top-level comment id known to the client; null with `known` means the page was empty. */
  newestId: string | null;
  known: boolean;
  /** Live comments held back while a gap is being filled, so delivery stays oldest first. */
  buffer: Comment[] | null;
  fills: number;
}

/** Followed pages, their newest known comment, and de-duplicated in-order delivery. */
export class LivePages {
  private readonly pages = new Map<string, PageState>();
  private readonly delivered = new RecentIds();
  constructor(private readonly deps: LivePagesDeps) {}

  /** Follows a page: joins it and learns its newest comment, so a later gap can be measured. */
  async follow<T>(pageId: string): Promise<T> {
    const fresh = !this.pages.has(pageId);
    const st: PageState = this.pages.get(pageId) ?? { newestId: null, known: false, buffer: null, fills: 0 };
    this.pages.set(pageId, st);
    try {
      const result = (await this.deps.join(pageId)) as T;
      if (!st.known) await this.learnNewest(pageId, st);
      return result;
    } catch (err) {
      if (fresh) this.pages.delete(pageId);
      throw err;
    }
  }

  /** Stops following a page. */
  unfollow(pageId: string): void {
    this.pages.delete(pageId);
  }

  /** A `comment:created` from the socket. */
  received(comment: Comment): void {
    const st = this.pages.get(comment.pageId);
    if (st?.buffer) st.buffer.push(comment);
    else this.deliver(comment, st);
  }

  /** After a reconnect that was not recovered: re-join every page and deliver what each missed. */
  refillAll(): void {
    for (const [pageId, st] of this.pages) void this.refill(pageId, st);
  }

  private deliver(comment: Comment, st: PageState | undefined): void {
    if (!this.delivered.add(comment.id)) return;
    if (st && comment.parentId === null && isNewer(comment.id, st.newestId)) {
      st.newestId = comment.id;
      st.known = true;
    }
    this.deps.emit(comment);
  }

  private async refill(pageId: string, st: PageState): Promise<void> {
    st.fills++;
    st.buffer ??= [];
    try {
      // Join before fetching, so nothing falls between the listing and the live stream.
      await this.deps.join(pageId);
      // A page whose newest comment is not known yet cannot be compared against: learn it now for the next gap.
      if (!st.known) await this.learnNewest(pageId, st);
      else {
        const list = (cursor: string | null) => this.deps.list(pageId, { sort: 'newest', limit: GAP_PAGE_SIZE, cursor });
        for (const comment of await fetchMissed(list, st.newestId)) this.deliver(comment, st);
      }
    } catch {
      // Another drop or a failed fetch: the next reconnect runs this again; live delivery resumes meanwhile.
    } finally {
      if (--st.fills === 0) {
        const held = st.buffer ?? [];
        st.buffer = null;
        for (const comment of held) this.deliver(comment, st);
      }
    }
  }

  private async learnNewest(pageId: string, st: PageState): Promise<void> {
    try {
      const { comments } = await this.deps.list(pageId, { sort: 'newest', limit: 1 });
      const top = comments[0];
      if (top && isNewer(top.id, st.newestId)) st.newestId = top.id;
      st.known = true;
    } catch {
      // Without a known newest comment a later gap is not filled; following still works.
    }
  }
}
