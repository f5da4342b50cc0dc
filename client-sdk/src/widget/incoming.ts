import type { Comment } from '../protocol';
import { fmt } from './texts';
import type { Widget } from './widget';

/**
 * What arrives live from the room: new comments (queued behind the notice when
 * they are top-level comments of others), edits and reaction counts, deletions.
 * It also holds back the reader's own comments that the server announces before
 * their post is acknowledged, so the optimistic copy is never shown twice.
 */
export class Incoming {
  private inflight = 0;
  /** Own comments announced by the server before their post was acknowledged. */
  private readonly early = new Map<string, Comment>();

  constructor(private readonly w: Widget) {}

  /** A post of the reader's starts. */
  begin(): void {
    this.inflight += 1;
  }

  /** A post was acknowledged: its early announcement (if any) is the same comment. */
  acknowledged(id: string): void {
    this.early.delete(id);
  }

  /** A post settled; announcements that matched no post came from the reader's other tabs. */
  end(): void {
    this.inflight -= 1;
    if (this.inflight > 0) return;
    const rest = [...this.early.values()];
    this.early.clear();
    for (const c of rest) this.created(c);
  }

  /** A comment arrived live: updates in place, nests a reply, or queues a top-level comment behind the notice. */
  created(c: Comment): void {
    const w = this.w;
    if (c.pageId !== w.o.page) return;
    const known = w.thread.items.get(c.id);
    if (known) {
      if (known.c.status !== 'visible' && c.status === 'visible') this.count(+1);
      w.thread.update(c);
      return;
    }
    if (w.thread.queue.some((q) => q.id === c.id)) return;
    if (w.viewer && c.author.id === w.viewer.id && this.inflight > 0) {
      this.early.set(c.id, c);
      return;
    }
    if (c.status === 'visible') this.count(+1);
    if (c.parentId) {
      const parent = w.thread.items.get(c.parentId);
      if (!parent) return;
      if (parent.cursor === null || parent.shown >= parent.c.replyCount) {
        parent.c = { ...parent.c, replyCount: parent.c.replyCount + (c.status === 'visible' ? 1 : 0) };
        w.thread.addReply(parent, c);
      } else {
        parent.c = { ...parent.c, replyCount: parent.c.replyCount + 1 };
        w.thread.paint(parent);
      }
      w.announce(fmt(w.texts.announceNew, { n: 1 }, w.texts.locale));
      return;
    }
    // Nothing is shown yet (the empty thread): nothing can move under the reader's eyes,
    // so the comment replaces "No comments yet" at once instead of waiting behind the notice.
    if (w.thread.items.size === 0 && w.thread.queue.length === 0) {
      w.thread.addTop(c, 'start');
      w.showStatus(null);
      w.announce(fmt(w.texts.announceNew, { n: 1 }, w.texts.locale));
      return;
    }
    w.thread.queue.push(c);
    w.updateNewButton();
    w.announce(fmt(w.texts.announceNew, { n: w.thread.queue.length }, w.texts.locale));
  }

  /** A comment changed (edit, reaction count, approval): repaint it where it is shown or waits. */
  updated(c: Comment): void {
    const w = this.w;
    const known = w.thread.items.get(c.id);
    if (known && known.c.status !== c.status) this.count(c.status === 'visible' ? +1 : known.c.status === 'visible' ? -1 : 0);
    w.thread.update(c);
    w.thread.queue = w.thread.queue.map((q) => (q.id === c.id ? c : q));
  }

  /** A comment was deleted: it leaves the page (or becomes a tombstone over its replies). */
  deleted(id: string): void {
    const w = this.w;
    const waiting = w.thread.queue.some((q) => q.id === id);
    const item = w.thread.items.get(id);
    if (waiting || item?.c.status === 'visible') this.count(-1);
    w.thread.remove(id);
    w.updateNewButton();
  }

  private count(delta: number): void {
    this.w.total += delta;
    this.w.paintCount();
  }
}
