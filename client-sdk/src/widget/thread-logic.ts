/**
 * The thread's rules without the DOM: how a newer version of a comment merges
 * into the shown one, what a live arrival does, how the visible count moves,
 * and where "N new" puts the comments waiting behind it. Pure, unit-tested.
 */
import type { Comment, CommentStatus, SortOrder } from '../protocol';

/** A newer version of a shown comment; room broadcasts carry no `viewer`, so the reader's own state is kept. */
export function merge(shown: Comment, next: Comment): Comment {
  return { ...next, viewer: next.viewer ?? shown.viewer };
}

/** How the visible count moves when a comment goes from one status to another. */
export function visibleDelta(from: CommentStatus, to: CommentStatus): number {
  return (to === 'visible' ? 1 : 0) - (from === 'visible' ? 1 : 0);
}

/** What the thread knows when a comment arrives live. */
export interface ArrivalState {
  page: string;
  /** Shown already (a room echo, or a retried announcement). */
  known: boolean;
  /** Waiting behind the "N new" button already. */
  waiting: boolean;
  /** The reader's own comment while one of their posts awaits its acknowledgement. */
  ownPostInFlight: boolean;
  /** The parent of a reply is shown. */
  parentShown: boolean;
  /** Nothing is shown and nothing waits (the empty thread). */
  empty: boolean;
}

/**
 * What a live `comment:created` does: `update` a shown one in place, nothing for
 * another page or a duplicate (`ignore`), hold the reader's own until its post
 * settles (`early`), nest a `reply` (or only count one whose parent is not
 * shown: `unseen-reply`), `show` it at once on an empty thread, else `queue` it.
 */
export type Arrival = 'update' | 'ignore' | 'early' | 'reply' | 'unseen-reply' | 'show' | 'queue';

/** Decides what a live arrival does (see {@link Arrival}). */
export function arrivalOf(c: Comment, s: ArrivalState): Arrival {
  if (c.pageId !== s.page) return 'ignore';
  if (s.known) return 'update';
  if (s.waiting) return 'ignore';
  if (s.ownPostInFlight) return 'early';
  if (c.parentId) return s.parentShown ? 'reply' : 'unseen-reply';
  // Nothing can move under the reader's eyes on an empty thread, so it replaces "No comments yet" at once.
  return s.empty ? 'show' : 'queue';
}

/** New top-level comments from others, waiting behind the "N new" button so the text under the reader's eyes never moves. */
export class WaitingQueue {
  private items: Comment[] = [];

  /** How many wait (the N of "N new"). */
  get size(): number {
    return this.items.length;
  }

  /** Whether a comment waits. */
  has(id: string): boolean {
    return this.items.some((c) => c.id === id);
  }

  /** Adds a comment unless it waits already; false for a duplicate. */
  add(c: Comment): boolean {
    if (this.has(c.id)) return false;
    this.items.push(c);
    return true;
  }

  /** Replaces a waiting comment with its newer version. */
  update(c: Comment): void {
    this.items = this.items.map((q) => (q.id === c.id ? c : q));
  }

  /** Drops a comment; whether it was waiting. */
  remove(id: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((q) => q.id !== id);
    return this.items.length < before;
  }

  /** Forgets every waiting comment. */
  clear(): void {
    this.items = [];
  }

  /** Takes every waiting comment, oldest first. */
  drain(): Comment[] {
    const out = this.items.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    this.items = [];
    return out;
  }
}

/** Where "show N new" puts the waiting comments, and which of them takes the focus. */
export interface Placement {
  at: 'start' | 'end';
  comments: Comment[];
  /** Index in `comments` of the one to focus (the topmost of those added). */
  focus: number;
}

/**
 * Places waiting comments (oldest first): in `newest` each goes to the start, so
 * the newest ends on top; otherwise they belong at the end, and only once every
 * page is loaded (while pages remain they arrive with "load more").
 */
export function placeWaiting(waiting: Comment[], sort: SortOrder, morePages: boolean): Placement {
  if (sort === 'newest') return { at: 'start', comments: waiting, focus: waiting.length - 1 };
  return { at: 'end', comments: morePages ? [] : waiting, focus: 0 };
}
