/**
 * What the reader client needs to deliver every new comment once and in
 * order: a bounded memory of delivered ids, and the REST walk that finds the
 * comments a page received while the client was away longer than the
 * server's recovery window.
 */
import type { Comment, CommentPage } from './protocol';

/** Comments fetched per REST page while filling a gap. */
export const GAP_PAGE_SIZE = 50;
/** Most REST pages walked per page and gap (so at most 250 missed comments are delivered). */
export const GAP_MAX_PAGES = 5;
/** How many delivered comment ids are remembered for de-duplication. */
export const REMEMBERED_IDS = 5000;

/** An insertion-ordered set of ids that forgets the oldest beyond its capacity. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = REMEMBERED_IDS) {}

  /** Adds an id; false if it was already there (then nothing changes). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

/** Whether comment id `a` is newer than `b` (ids are ObjectIds, which the server also orders listings by). */
export function isNewer(a: string, b: string | null): boolean {
  return b === null || (a.length === b.length ? a > b : a.length > b.length);
}

/**
 * Walks the page's top-level comments newest first until it reaches the
 * newest id the client already knew (or one older), and returns the visible
 * comments it passed, oldest first. `knownNewestId` null means the page was
 * empty when the client started following it.
 */
export async function fetchMissed(
  list: (cursor: string | null) => Promise<CommentPage>,
  knownNewestId: string | null,
): Promise<Comment[]> {
  const found: Comment[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < GAP_MAX_PAGES; i++) {
    const page: CommentPage = await list(cursor);
    for (const comment of page.comments) {
      if (!isNewer(comment.id, knownNewestId)) return found.reverse();
      // Live rooms only carry visible comments; tombstones and held ones are not "new" to readers.
      if (comment.status === 'visible') found.push(comment);
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return found.reverse();
}
