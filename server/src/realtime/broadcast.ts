import type { DomainEvents } from '../domain-events';
import type { Metrics } from '../metrics';
import { toPublicComment } from '../modules/comments/comments.mapper';
import { isPublic, type Comment } from '../modules/comments/comment';
import type { Redis } from 'ioredis';
import { announcedInStream, publishing, RETRY_LOOKBACK_MS } from './announcements';
import type { AdminNamespace, ParleyServer } from './io';
import { rooms } from './rooms';

/** Options of {@link attachBroadcast}. */
export interface BroadcastOptions {
  /** Whether other nodes exist (the Redis adapter is in use). */
  clustered: boolean;
  /** With `streamName`: where a retried post looks for its comment's earlier announcement. */
  redis?: Redis | null;
  streamName?: string;
}

/**
 * Turns domain events into room emits; with {@link presencePublisher} below it
 * is the only place that emits to rooms. Each event
 * is emitted once, by the node where the write happened; the Redis adapter
 * carries it to the other nodes, so every reader gets it exactly once.
 * Room payloads are the same for every reader (no `viewer`), so Socket.IO
 * encodes each of them once per room, not once per reader.
 */
export function attachBroadcast(
  io: ParleyServer,
  admin: AdminNamespace,
  events: DomainEvents,
  metrics: Metrics,
  opts: BroadcastOptions = { clustered: true },
): () => void {
  const readers = io.of('/');
  const count = (event: string) => metrics.broadcasts.inc({ event });
  const pageRoom = (c: Comment) => readers.to(rooms.page(c.siteId, c.pageId));
  const authorRoom = (c: Comment) => readers.to(rooms.user(c.siteId, c.authorId));
  const mods = (siteId: string) => admin.to(rooms.moderators(siteId));
  const published = publishing(io);

  /** Announces a new comment; resolves once the page's (or author's) event has been handed to every node. */
  const announce = (c: Comment): Promise<void> => {
    const payload = { comment: toPublicComment(c) };
    const end = metrics.fanout.startTimer({ event: 'comment:created' });
    // Held comments, and comments under a shadow ban, reach only their author's own sockets (and moderators, below).
    const out = published(() => (isPublic(c) ? pageRoom(c) : authorRoom(c)).emit('comment:created', payload));
    setImmediate(() => mods(c.siteId).emit('mod:comment', { comment: toPublicComment(c, { moderator: true }) }));
    count('comment:created');
    // parley_fanout_seconds: until the event has been handed to every node.
    out.then(
      () => end(),
      () => end(),
    );
    return out;
  };

  // The writer is acknowledged first: fan-out to a large room costs milliseconds the poster
  // should not wait for. setImmediate keeps the events in the order they were published.
  // parley_fanout_seconds measures from the stored change to the end of this node's emits.
  const later =
    <T>(fn: (payload: T) => void, event: string) =>
    (payload: T) => {
      const end = metrics.fanout.startTimer({ event });
      setImmediate(() => {
        fn(payload);
        end();
      });
    };

  // Without Redis there are no other nodes (and the in-memory adapter only warns on server-side emits).
  const tellOtherNodes = (siteId: string) => void (opts.clustered && io.serverSideEmit('site:changed', siteId));

  const offs = [
    // Published before the writer is acknowledged: once the poster has its answer the event is in
    // the adapter's stream, so it reaches the other nodes even if this node dies right after.
    events.on('comment.created', ({ comment: c }) => announce(c)),
    // A retry of a post whose first attempt died between the store write and the announcement:
    // announce it now, unless the stream shows it already went out (never a second copy).
    events.on('comment.retried', async ({ comment: c }) => {
      if (!opts.clustered || !opts.redis || !opts.streamName || !isPublic(c)) return;
      if (Date.now() - c.createdAt.getTime() > RETRY_LOOKBACK_MS) return;
      const seen = await announcedInStream(opts.redis, opts.streamName, c.id, c.createdAt.getTime() - 10_000);
      if (seen === false) await announce(c);
    }),
    events.on(
      'comment.updated',
      later(({ comment: c, previousStatus, shadowBefore }) => {
        const payload = { comment: toPublicComment(c) };
        // Readers did not see a comment under a shadow ban before, whatever its status (approval clears the mark first).
        const wasVisible = previousStatus === 'visible' && !(c.shadow || shadowBefore === true);
        if (isPublic(c)) pageRoom(c).emit(wasVisible ? 'comment:updated' : 'comment:created', payload);
        else {
          if (wasVisible) pageRoom(c).emit('comment:deleted', { id: c.id, pageId: c.pageId });
          authorRoom(c).emit('comment:updated', payload);
        }
        mods(c.siteId).emit('comment:updated', { comment: toPublicComment(c, { moderator: true }) });
        count('comment:updated');
      }, 'comment:updated'),
    ),
    events.on(
      'comment.deleted',
      later(({ comment: c, previousStatus }) => {
        const payload = { id: c.id, pageId: c.pageId };
        if (previousStatus === 'visible' && !c.shadow) pageRoom(c).emit('comment:deleted', payload);
        else authorRoom(c).emit('comment:deleted', payload);
        mods(c.siteId).emit('comment:deleted', payload);
        count('comment:deleted');
      }, 'comment:deleted'),
    ),
    events.on(
      'flag.created',
      later(({ comment, flag }) => {
        mods(comment.siteId).emit('mod:flag', { flag, comment: toPublicComment(comment, { moderator: true }) });
        count('mod:flag');
      }, 'mod:flag'),
    ),
    events.on(
      'page.locked',
      later(({ siteId, pageId, locked }) => {
        // Other nodes drop their cached page states, so their next write checks the new lock.
        tellOtherNodes(siteId);
        readers.to(rooms.page(siteId, pageId)).emit('page:locked', { pageId, locked });
        mods(siteId).emit('page:locked', { pageId, locked });
        count('page:locked');
      }, 'page:locked'),
    ),
    events.on('site.changed', ({ siteId }) => tellOtherNodes(siteId)),
    // Other nodes drop their cached bans (and page states) of the site; a lost notice is bounded by their 1 s expiry.
    events.on('moderation.changed', ({ siteId }) => tellOtherNodes(siteId)),
    events.on('site.deleted', ({ siteId }) => {
      tellOtherNodes(siteId);
      readers.in(rooms.site(siteId)).disconnectSockets(true);
      admin.in(rooms.moderators(siteId)).disconnectSockets(true);
    }),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * The `page:presence` emit: reader counts are per-node presence state, not
 * domain events, so Presence calls this directly (throttled by Presence).
 */
export function presencePublisher(io: ParleyServer): (siteId: string, pageId: string, readers: number) => void {
  return (siteId, pageId, readers) => io.to(rooms.page(siteId, pageId)).emit('page:presence', { pageId, readers });
}
