import { EventEmitter } from 'node:events';
import type { CommentRecord } from './modules/comments/comments.repository';
import type { FlagPayload } from '../../client-sdk/src/protocol';

/** Everything services announce after a write has been persisted. */
export interface DomainEventMap {
  'comment.created': { comment: CommentRecord };
  /** `shadowBefore`: the comment was under a shadow ban before this change (an approval lifts it). */
  'comment.updated': { comment: CommentRecord; previousStatus: CommentRecord['status']; shadowBefore?: boolean };
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
  /** Subscribes; returns an unsubscribe function. */
  on<K extends keyof DomainEventMap>(name: K, fn: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, fn);
    return () => this.emitter.off(name, fn);
  }
}
