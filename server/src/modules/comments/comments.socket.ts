import { z } from 'zod';
import { errors } from '../../errors';
import type { Logger } from '../../logger';
import { handle } from '../../realtime/ack';
import type { ReaderSocket } from '../../realtime/io';
import type { Presence } from '../../realtime/presence';
import { rooms } from '../../realtime/rooms';
import { pageIdSchema, socketPostSchema } from './comments.schemas';
import type { PagesService } from '../pages/pages.service';
import type { CommentsService } from './comments.service';

/** Most pages one socket may follow at once. */
export const MAX_PAGES_PER_SOCKET = 20;

const pageSchema = z.object({ pageId: pageIdSchema });

/** Dependencies of the reader handlers. */
export interface ReaderHandlerDeps {
  comments: CommentsService;
  pages: PagesService;
  presence: Presence;
  logger: Logger;
}

/** Registers the reader namespace's events on one socket (thin adapters over the comments service). */
export function registerReaderHandlers(socket: ReaderSocket, deps: ReaderHandlerDeps): void {
  const { siteId } = socket.data;
  const log = deps.logger;

  handle(socket, log, 'page:join', pageSchema, async ({ pageId }) => {
    if (!socket.data.pages.includes(pageId)) {
      if (socket.data.pages.length >= MAX_PAGES_PER_SOCKET)
        throw errors.badRequest(`a connection may follow at most ${MAX_PAGES_PER_SOCKET} pages`);
      socket.data.pages.push(pageId);
      void socket.join(rooms.page(siteId, pageId));
      deps.presence.join(siteId, pageId);
    }
    const [state, readers] = await Promise.all([deps.pages.summary(siteId, pageId), deps.presence.readers(siteId, pageId)]);
    return { ...state, readers };
  });

  handle(socket, log, 'page:leave', pageSchema, ({ pageId }) => {
    if (socket.data.pages.includes(pageId)) {
      socket.data.pages = socket.data.pages.filter((p) => p !== pageId);
      void socket.leave(rooms.page(siteId, pageId));
      deps.presence.leave(siteId, pageId);
    }
    return {};
  });

  handle(socket, log, 'comment:post', socketPostSchema, async ({ pageId, ...input }) => {
    const ctx = { siteId, ip: socket.data.ip, principal: socket.data.principal };
    const { comment } = await deps.comments.post(ctx, pageId, input);
    return { comment };
  });

  socket.on('disconnect', () => {
    for (const pageId of socket.data.pages) deps.presence.leave(siteId, pageId);
  });
}
