import type { Logger } from '../../logger';
import { handle } from '../../realtime/ack';
import type { AdminSocket } from '../../realtime/io';
import {
  approveSchema,
  banSchema,
  commentActionSchema,
  lockSchema,
  queueSchema,
  recentSchema,
  unbanSchema,
} from './moderation.schemas';
import type { ModerationService, Moderator } from './moderation.service';

/** Registers the admin namespace's events on one moderator socket. */
export function registerModeratorHandlers(socket: AdminSocket, deps: { moderation: ModerationService; logger: Logger }): void {
  const mod: Moderator = { siteId: socket.data.siteId, principal: socket.data.principal! };
  const m = deps.moderation;
  const log = deps.logger;
  handle(socket, log, 'comment:delete', commentActionSchema, async (i) => ({
    comment: await m.deleteComment(mod, i.commentId, i.reason),
  }));
  handle(socket, log, 'comment:approve', approveSchema, async (i) => ({ comment: await m.approve(mod, i.commentId) }));
  handle(socket, log, 'comment:reject', commentActionSchema, async (i) => ({
    comment: await m.reject(mod, i.commentId, i.reason),
  }));
  handle(socket, log, 'user:ban', banSchema, async (i) => (await m.ban(mod, i.userId, i.reason, i.until, i.shadow), {}));
  handle(socket, log, 'user:unban', unbanSchema, async (i) => (await m.unban(mod, i.userId), {}));
  handle(socket, log, 'page:lock', lockSchema, async (i) => (await m.lock(mod, i.pageId, i.locked), {}));
  handle(socket, log, 'queue:list', queueSchema, (i) => m.queue(mod, i.status, i.limit, i.cursor ?? null));
  handle(socket, log, 'comments:recent', recentSchema, (i) => m.recent(mod, i));
}
