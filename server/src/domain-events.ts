import { EventEmitter } from 'node:events';
import type { Comment } from './modules/comments/comment';
import type { FlagPayload } from '@parley/protocol';
import type { Logger } from './logger';

/** Everything services announce after a write has been persisted. */
export interface DomainEventMap {
  'comment.created': { comment: Comment };
  /**
   * A retried post found its comment already stored (the first attempt may have died before
   * announcing it): subscribers announce it again unless it demonstrably went out.
   */
  'comment.retried': { comment: Comment };
  /** `shadowBefore`: the comment was under a shadow ban before this change (an approval lifts it). */
  'comment.updated': { comment: Comment; previousStatus: Comment['status']; shadowBefore?: boolean };
  'comment.deleted': { comment: Comment; previousStatus: Comment['status'] };
  'flag.created': { comment: Comment; flag: FlagPayload };
  'page.locked': { siteId: string; pageId: string; locked: boolean };
  /** A ban or unban: nodes drop what they cached of the site's moderation state. */
  'moderation.changed': { siteId: string };
  'site.changed': { siteId: string };
  'site.deleted': { siteId: string };
}

/** What the bus tells about a subscriber that threw. */
export interface DomainEventsDeps {
  logger?: Logger;
  /** Called once per failed subscriber call (the app counts them in a metric). */
  onSubscriberError?: (event: keyof DomainEventMap) => void;
}

/** A typed, synchronous in-process event bus; realtime/broadcast.ts is its main subscriber. */
export class DomainEvents {
  private readonly emitter = new EventEmitter();
  constructor(private readonly deps: DomainEventsDeps = {}) {
    this.emitter.setMaxListeners(50);
  }
  /**
   * Publishes an event. The write that published it is already stored, so a
   * subscriber that throws is logged and counted, and neither stops the other
   * subscribers nor reaches the publisher.
   */
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
      if (out instanceof Promise) pending.push(out);
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
  /**
   * Subscribes; returns an unsubscribe function. A subscriber may return a promise for
   * {@link emitAndSettle}; a throwing or rejecting subscriber is logged and counted, never
   * passed on to the write that emitted the event.
   */
  on<K extends keyof DomainEventMap>(name: K, fn: (payload: DomainEventMap[K]) => void | Promise<void>): () => void {
    const failed = (err: unknown): void => {
      this.deps.logger?.error({ err, event: name }, 'domain event subscriber failed');
      this.deps.onSubscriberError?.(name);
    };
    const guarded = (payload: DomainEventMap[K]): void | Promise<void> => {
      try {
        const out = fn(payload);
        return out instanceof Promise ? out.catch(failed) : out;
      } catch (err) {
        failed(err);
      }
    };
    this.emitter.on(name, guarded);
    return () => this.emitter.off(name, guarded);
  }
}
