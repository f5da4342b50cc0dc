import type { Comment } from '../protocol';
import { createItem, paint, paintReplyButton, type Item, type ViewContext } from './comment-view';
import { h } from './dom';
import { merge, WaitingQueue } from './thread-logic';

/** Replies fetched with their parent's first page; the rest wait behind "Show N replies". */
export const FIRST_REPLIES = 3;

/**
 * The rendered thread: every comment item by id, the top-level list, and the
 * queue of new top-level comments from others that wait behind the notice so
 * the text under the reader's eyes never moves.
 */
export class Thread {
  /** Items by comment id (optimistic ones by their `local-…` id until acknowledged). */
  readonly items = new Map<string, Item>();
  /** The top-level list element. */
  readonly list = h('ol', { class: 'list' });
  /** New top-level comments from others, waiting for "show". */
  readonly waiting = new WaitingQueue();
  /** Cursor of the next top-level page; null when everything is loaded. */
  nextCursor: string | null = null;

  constructor(
    private readonly ctx: () => ViewContext,
    private readonly active: () => Element | null,
  ) {}

  /** Empties the thread (sort change, sign-in change). */
  clear(): void {
    this.items.clear();
    this.waiting.clear();
    this.nextCursor = null;
    this.list.replaceChildren();
  }

  /** Repaints an item, keeping keyboard focus on the same action button. */
  paint(item: Item): void {
    const focused = this.active();
    const act = focused && item.top.contains(focused) ? focused.getAttribute('data-act') : null;
    paint(item, this.ctx());
    if (act) item.top.querySelector<HTMLElement>(`[data-act="${act}"]`)?.focus();
  }

  /** Repaints every item (lock or identity changes). */
  paintAll(): void {
    for (const item of this.items.values()) this.paint(item);
  }

  /** The item whose element contains a node. */
  itemOf(node: Element | null): Item | null {
    const id = node?.closest('li.c')?.getAttribute('data-id');
    return id ? (this.items.get(id) ?? null) : null;
  }

  private create(c: Comment): Item {
    const item = createItem(c, Boolean(c.viewer?.reacted.includes('like')));
    this.items.set(c.id, item);
    this.paint(item);
    return item;
  }

  /** Adds a top-level comment at the start or end of the list (or updates it when already shown). */
  addTop(c: Comment, at: 'start' | 'end'): Item {
    const known = this.items.get(c.id);
    if (known) return this.update(c) ?? known;
    const item = this.create(c);
    if (at === 'start') this.list.prepend(item.el);
    else this.list.append(item.el);
    return item;
  }

  /** Adds a reply at the end of its parent's replies. */
  addReply(parent: Item, c: Comment): Item {
    const known = this.items.get(c.id);
    if (known) return this.update(c) ?? known;
    const item = this.create(c);
    parent.replies.append(item.el);
    parent.shown += 1;
    paintReplyButton(parent, this.ctx().texts);
    return item;
  }

  /** Replaces an item's data with a newer version, keeping the viewer's own reaction state. */
  update(c: Comment): Item | null {
    const item = this.items.get(c.id);
    if (!item) return null;
    if (c.viewer) item.liked = c.viewer.reacted.includes('like');
    item.c = merge(item.c, c);
    this.paint(item);
    return item;
  }

  /** Gives an optimistic item its server id once the post is acknowledged. */
  rekey(item: Item, c: Comment): void {
    this.items.delete(item.c.id);
    item.c = c;
    item.el.setAttribute('data-id', c.id);
    this.items.set(c.id, item);
  }

  /** Removes a comment: a tombstone while replies hang under it, otherwise gone with its subtree. */
  remove(id: string): Item | null {
    const item = this.items.get(id);
    this.waiting.remove(id);
    if (!item) return null;
    if (item.c.replyCount > 0 || item.replies.children.length > 0) {
      item.c = { ...item.c, status: 'deleted', body: '', html: '', author: { id: null, name: null, avatar: null, guest: false } };
      item.slot.replaceChildren();
      this.paint(item);
      return item;
    }
    const parent = item.c.parentId ? this.items.get(item.c.parentId) : null;
    for (const li of Array.from(item.el.querySelectorAll('li.c'))) this.items.delete(li.getAttribute('data-id') ?? '');
    this.items.delete(id);
    item.el.remove();
    if (parent) {
      parent.shown = Math.max(0, parent.shown - 1);
      if (item.c.status === 'visible') parent.c = { ...parent.c, replyCount: Math.max(0, parent.c.replyCount - 1) };
      paintReplyButton(parent, this.ctx().texts);
    }
    return item;
  }
}
