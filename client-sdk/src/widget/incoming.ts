import type { Comment } from '../protocol';
import type { WidgetPort } from './port';
import { fmt } from './texts';
import type { Thread } from './thread';
import { arrivalOf, visibleDelta } from './thread-logic';

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

  constructor(
    private readonly w: WidgetPort,
    private readonly thread: Thread,
  ) {}

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
    const { w, thread } = this;
    const known = thread.items.get(c.id);
    const parent = c.parentId ? thread.items.get(c.parentId) : undefined;
    const arrival = arrivalOf(c, {
      page: w.page,
      known: known !== undefined,
      waiting: thread.waiting.has(c.id),
      ownPostInFlight: Boolean(w.viewer && c.author.id === w.viewer.id && this.inflight > 0),
      parentShown: parent !== undefined,
      empty: thread.items.size === 0 && thread.waiting.size === 0,
    });
    if (arrival === 'ignore') return;
    if (arrival === 'update') {
      if (known!.c.status !== 'visible' && c.status === 'visible') this.count(+1);
      thread.update(c);
      return;
    }
    if (arrival === 'early') {
      this.early.set(c.id, c);
      return;
    }
    if (c.status === 'visible') this.count(+1);
    if (arrival === 'unseen-reply') return;
    if (arrival === 'reply') {
      const p = parent!;
      if (p.cursor === null || p.shown >= p.c.replyCount) {
        p.c = { ...p.c, replyCount: p.c.replyCount + (c.status === 'visible' ? 1 : 0) };
        thread.addReply(p, c);
      } else {
        p.c = { ...p.c, replyCount: p.c.replyCount + 1 };
        thread.paint(p);
      }
    } else if (arrival === 'show') {
      thread.addTop(c, 'start');
      w.showStatus(null);
    } else {
      thread.waiting.add(c);
      w.updateNewButton();
    }
    w.announce(fmt(w.texts.announceNew, { n: arrival === 'queue' ? thread.waiting.size : 1 }, w.texts.locale));
  }

  /** A comment changed (edit, reaction count, approval): repaint it where it is shown or waits. */
  updated(c: Comment): void {
    const known = this.thread.items.get(c.id);
    if (known && known.c.status !== c.status) this.count(visibleDelta(known.c.status, c.status));
    this.thread.update(c);
    this.thread.waiting.update(c);
  }

  /** A comment was deleted: it leaves the page (or becomes a tombstone over its replies). */
  deleted(id: string): void {
    const waiting = this.thread.waiting.has(id);
    const item = this.thread.items.get(id);
    if (waiting || item?.c.status === 'visible') this.count(-1);
    this.thread.remove(id);
    this.w.updateNewButton();
  }

  private count(delta: number): void {
    this.w.addToTotal(delta);
  }
}
