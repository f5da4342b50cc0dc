import type { Logger } from '../../logger';
import { handle } from '../../realtime/ack';
import type { AdminSocket } from '../../realtime/io';
import { approveSchema, banSchema, commentActionSchema, lockSchema, queueSchema, unbanSchema } from './moderation.schemas';
import type { ModerationService, Moderator } from './moderation.service';

/** Registers the admin namespace's events on one moderator socket. */
export function registerModeratorHandlers(socket: AdminSocket, deps: { moderation: ModerationService; logger: Logger }): void {
  const mod: Moderator = { siteId: socket.data.siteId, principal: socket.data.principal! };
  const m = deps.moderation;
  const log = deps.logger;
  socket.on(
    'comment:delete',
    handle(log, commentActionSchema, async (i) => ({ comment: await m.deleteComment(mod, i.commentId, i.reason) })) as never,
  );
  socket.on(
    'comment:approve',
    handle(log, approveSchema, async (i) => ({ comment: await m.approve(mod, i.commentId) })) as never,
  );
  socket.on(
    'comment:reject',
    handle(log, commentActionSchema, async (i) => ({ comment: await m.reject(mod, i.commentId, i.reason) })) as never,
  );
  socket.on(
    'user:ban',
    handle(log, banSchema, async (i) => (await m.ban(mod, i.userId, i.reason, i.until, i.shadow), {})) as never,
  );
  socket.on('user:unban', handle(log, unbanSchema, async (i) => (await m.unban(mod, i.userId), {})) as never);
  socket.on('page:lock', handle(log, lockSchema, async (i) => (await m.lock(mod, i.pageId, i.locked), {})) as never);
  socket.on('queue:list', handle(log, queueSchema, (i) => m.queue(mod, i.status, i.limit, i.cursor ?? null)) as never);
}
