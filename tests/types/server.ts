/**
 * Type tests (checked by `npm run typecheck`, never run): the server's socket
 * handlers are bound to the event maps of `@parley/protocol`. Every
 * `@ts-expect-error` line must stay an error; if the contract stopped binding,
 * tsc would report the directive as unused.
 */
import { z } from 'zod';
import type { Comment } from '@parley/protocol';
import type { Logger } from '../../server/src/logger';
import { handle } from '../../server/src/realtime/ack';
import type { AdminNamespace, AdminSocket, ParleyServer, ReaderSocket } from '../../server/src/realtime/io';

declare const reader: ReaderSocket;
declare const moderator: AdminSocket;
declare const io: ParleyServer;
declare const admin: AdminNamespace;
declare const log: Logger;
declare const comment: Comment;
const page = z.object({ pageId: z.string() });

// A correct handler compiles.
handle(reader, log, 'page:leave', page, () => ({}));
handle(reader, log, 'page:join', page, () => ({ total: 1, locked: false, readers: 2 }));
handle(moderator, log, 'page:lock', z.object({ pageId: z.string(), locked: z.boolean() }), () => ({}));

// @ts-expect-error an event the reader namespace does not have
handle(reader, log, 'page:vanish', page, () => ({}));
// @ts-expect-error an admin event on a reader socket
handle(reader, log, 'user:ban', z.object({ userId: z.string() }), () => ({}));
// @ts-expect-error a schema whose output is not the event's payload
handle(reader, log, 'page:join', z.object({ page: z.number() }), () => ({ total: 1, locked: false, readers: 2 }));
// @ts-expect-error an ack without the fields the event promises
handle(reader, log, 'page:join', page, () => ({ total: 1 }));
// @ts-expect-error an ack field of the wrong type
handle(moderator, log, 'comment:approve', z.object({ commentId: z.string() }), () => ({ comment: 'nope' }));
handle(moderator, log, 'comment:approve', z.object({ commentId: z.string() }), () => ({ comment }));

// Emits are typed too: the reader namespace…
io.to('room').emit('page:presence', { pageId: 'p', readers: 1 });
// @ts-expect-error …refuses an unknown event
io.to('room').emit('page:gone', { pageId: 'p' });
// @ts-expect-error …and a wrong payload
io.to('room').emit('page:presence', { pageId: 'p', readers: 'many' });
// @ts-expect-error the admin namespace has no presence event
admin.emit('page:presence', { pageId: 'p', readers: 1 });
admin.to('room').emit('mod:comment', { comment });
