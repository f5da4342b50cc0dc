import type { DomainEvents } from '../domain-events';
import type { Metrics } from '../metrics';
import { toPublicComment } from '../modules/comments/comments.mapper';
import { isPublic, type CommentRecord } from '../modules/comments/comments.repository';
import type { AdminNamespace, ParleyServer } from './io';
import { rooms } from './rooms';

/**
 * Turns domain events into room emits — the only place that does. Each event
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
  opts = { clustered: true },
): () => void {
  const readers = io.of('/');
  const count = (event: string) => metrics.broadcasts.inc({ event });
  const pageRoom = (c: CommentRecord) => readers.to(rooms.page(c.siteId, c.pageId));
  const authorRoom = (c: CommentRecord) => readers.to(rooms.user(c.siteId, c.authorId));
  const mods = (siteId: string) => admin.to(rooms.moderators(siteId));

  // The writer is acknowledged first: fan-out to a large room costs milliseconds the poster
  // should not wait for. setImmediate keeps the events in the order they were published.
  const later =
    <T>(fn: (payload: T) => void) =>
    (payload: T) =>
      void setImmediate(fn, payload);

  // Without Redis there are no other nodes (and the in-memory adapter only warns on server-side emits).
  const tellOtherNodes = (siteId: string) => void (opts.clustered && io.serverSideEmit('site:changed', siteId));

  const offs = [
    events.on(
      'comment.created',
      later(({ comment: c }) => {
        const payload = { comment: toPublicComment(c) };
        if (isPublic(c)) pageRoom(c).emit('comment:created', payload);
        // Held comments, and comments under a shadow ban, reach only their author's own sockets (and moderators, below).
        else authorRoom(c).emit('comment:created', payload);
        mods(c.siteId).emit('mod:comment', { comment: toPublicComment(c, { moderator: true }) });
        count('comment:created');
      }),
    ),
    events.on(
      'comment.updated',
      later(({ comment: c, previousStatus, shadowBefore }) => {
        const payload = { comment: toPublicComment(c) };
        // A shadow comment was never public, whatever its status (approval clears the mark first).
        const wasVisible = previousStatus === 'visible' && !(c.shadow || shadowBefore === true);
        if (isPublic(c)) pageRoom(c).emit(wasVisible ? 'comment:updated' : 'comment:created', payload);
        else {
          if (wasVisible) pageRoom(c).emit('comment:deleted', { id: c.id, pageId: c.pageId });
          authorRoom(c).emit('comment:updated', payload);
        }
        mods(c.siteId).emit('comment:updated', { comment: toPublicComment(c, { moderator: true }) });
        count('comment:updated');
      }),
    ),
    events.on(
      'comment.deleted',
      later(({ comment: c, previousStatus }) => {
        const payload = { id: c.id, pageId: c.pageId };
        if (previousStatus === 'visible' && !c.shadow) pageRoom(c).emit('comment:deleted', payload);
        else authorRoom(c).emit('comment:deleted', payload);
        mods(c.siteId).emit('comment:deleted', payload);
        count('comment:deleted');
      }),
    ),
    events.on(
      'flag.created',
      later(({ comment, flag }) => {
        mods(comment.siteId).emit('mod:flag', { flag, comment: toPublicComment(comment, { moderator: true }) });
        count('mod:flag');
      }),
    ),
    events.on(
      'page.locked',
      later(({ siteId, pageId, locked }) => {
        // Other nodes drop their cached page states, so their next write checks the new lock.
        tellOtherNodes(siteId);
        readers.to(rooms.page(siteId, pageId)).emit('page:locked', { pageId, locked });
        mods(siteId).emit('page:locked', { pageId, locked });
        count('page:locked');
      }),
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
