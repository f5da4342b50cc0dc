import { randomUUID } from 'node:crypto';
import type { WebhookEvent, WebhookEventType } from '@parley/protocol';
import type { DomainEvents } from '../../domain-events';
import { toPublicComment } from '../comments/comments.mapper';
import type { Comment as CommentRecord } from '../comments/comment';

/** A webhook event with the page it belongs to (deliveries of one page keep their order as far as retries allow). */
export type Outgoing = { event: WebhookEvent; pageId: string | null };

function event(type: WebhookEventType, siteId: string, data: WebhookEvent['data']): WebhookEvent {
  return { id: `evt_${randomUUID().replace(/-/g, '')}`, type, createdAt: new Date().toISOString(), siteId, data };
}

/** The SPEC's comment JSON as a site owner's systems get it (with moderation details: they are the site's). */
function commentJson(c: CommentRecord) {
  return toPublicComment(c, { moderator: true });
}

/**
 * Maps the domain bus to webhook events. Comments under a shadow ban announce nothing (a shadow ban is silent
 * by design). `comment.created` is sent for held (pending) comments too, with `status: "pending"`, so a site's
 * moderation workflow can pick them up; `comment.approved` follows when a moderator publishes one.
 */
export function onWebhookEvents(events: DomainEvents, send: (out: Outgoing) => void): void {
  const comment = (type: WebhookEventType, c: CommentRecord, extra: WebhookEvent['data'] = {}) =>
    send({ event: event(type, c.siteId, { comment: commentJson(c), ...extra }), pageId: c.pageId });
  events.on('comment.created', ({ comment: c }) => {
    if (!c.shadow) comment('comment.created', c);
  });
  events.on('comment.updated', ({ comment: c, previousStatus, shadowBefore, reaction }) => {
    if (reaction) return;
    if (c.status === 'rejected' && previousStatus !== 'rejected') return comment('comment.rejected', c);
    if (c.status === 'visible' && (previousStatus !== 'visible' || shadowBefore) && !c.shadow)
      return comment('comment.approved', c);
    if (!c.shadow && c.status === previousStatus) comment('comment.updated', c);
  });
  events.on('comment.deleted', ({ comment: c }) => {
    if (!c.shadow) comment('comment.deleted', c);
  });
  events.on('flag.created', ({ comment: c, flag }) => {
    if (!c.shadow)
      comment('comment.flagged', c, { flag: { reason: flag.reason, flagCount: flag.flagCount, createdAt: flag.createdAt } });
  });
  events.on('user.banned', ({ siteId, userId, until, reason, shadow }) => {
    if (!shadow)
      send({
        event: event('user.banned', siteId, { user: { id: userId, until: until ? until.toISOString() : null, reason } }),
        pageId: null,
      });
  });
  events.on('page.locked', ({ siteId, pageId, locked }) => {
    send({ event: event('page.locked', siteId, { page: { pageId, locked } }), pageId });
  });
}
