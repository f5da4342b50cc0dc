import { EventEmitter } from 'node:events';
import type { CommentRecord } from './modules/comments/comments.repository';
import type { FlagPayload } from '../../client-sdk/src/protocol';

/** Everything services announce after a write has been persisted. */
export interface DomainEventMap {
  'comment.created': { comment: CommentRecord };
  /**
   * A retried post found its comment already stored (the first attempt may have died before
   * announcing it): subscribers announce it again unless it demonstrably went out.
   */
  'comment.retried': { comment: CommentRecord };
  'comment.updated': { comment: CommentRecord; previousStatus: CommentRecord['status'] };
  'comment.deleted': { comment: CommentRecord; previousStatus: CommentRecord['status'] };
  'flag.created': { comment: CommentRecord; flag: FlagPayload };
  'page.locked': { siteId: string; pageId: string; locked: boolean };
  /** A ban or unban: nodes drop what they cached of the site's moderation state. */
  'moderation.changed': { siteId: string };
  'site.changed': { siteId: string };
  'site.deleted': { siteId: string };
}

/** A typed, synchronous in-process event bus; realtime/broadcast.ts is its main subscriber. */
export class DomainEvents {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(50);
  }
  /** Publishes an event; a failing subscriber never breaks the write that published it. */
  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }
  /**
   * Publishes an event and waits (at most `timeoutMs`) for what its subscribers started, e.g. the
   * cross-node publish of a new comment, so a write is acknowledged only once it has gone out.
   */
  async emitAndSettle<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K], timeoutMs: number): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const fn of this.emitter.listeners(name) as ((p: DomainEventMap[K]) => unknown)[]) {
      const out = fn(payload);
      if (out instanceof Promise) pending.push(out.catch(() => undefined));
    }
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
  /** Subscribes; returns an unsubscribe function. A subscriber may return a promise for {@link emitAndSettle}. */
  on<K extends keyof DomainEventMap>(name: K, fn: (payload: DomainEventMap[K]) => void | Promise<void>): () => void {
    this.emitter.on(name, fn);
    return () => this.emitter.off(name, fn);
  }
}
