import { EventEmitter } from 'node:events';
import type { CommentRecord } from './modules/comments/comments.repository';
import type { FlagPayload } from '@parley/protocol';
import type { Logger } from './logger';

/** Everything services announce after a write has been persisted. */
export interface DomainEventMap {
  'comment.created': { comment: CommentRecord };
  'comment.updated': { comment: CommentRecord; previousStatus: CommentRecord['status'] };
  'comment.deleted': { comment: CommentRecord; previousStatus: CommentRecord['status'] };
  'flag.created': { comment: CommentRecord; flag: FlagPayload };
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
  /** Subscribes; returns an unsubscribe function. */
  on<K extends keyof DomainEventMap>(name: K, fn: (payload: DomainEventMap[K]) => void): () => void {
    const guarded = (payload: DomainEventMap[K]) => {
      try {
        fn(payload);
      } catch (err) {
        this.deps.logger?.error({ err, event: name }, 'domain event subscriber failed');
        this.deps.onSubscriberError?.(name);
      }
    };
    this.emitter.on(name, guarded);
    return () => this.emitter.off(name, guarded);
  }
}
