/**
 * Type tests (checked by `npm run typecheck`, never run): the SDK's connection
 * and the test harness are bound to the event maps of `@parley/protocol`.
 * Every `@ts-expect-error` line must stay an error.
 */
import type {
  AdminClientToServerEvents,
  AdminServerToClientEvents,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@parley/protocol';
import type { Connection } from '@parley/sdk/connection';
import { emitAck, nextEvent, record, type AdminClient, type ReaderClient } from '../helpers/harness';

declare const reader: Connection<ServerToClientEvents, ClientToServerEvents>;
declare const moderator: Connection<AdminServerToClientEvents, AdminClientToServerEvents>;
declare const readerSocket: ReaderClient;
declare const adminSocket: AdminClient;

export async function sdk(): Promise<void> {
  const joined = await reader.call('page:join', { pageId: 'p' });
  const readers: number = joined.readers;
  const queue = await moderator.call('queue:list', { status: 'pending' });
  const next: string | null = queue.nextCursor;
  void [readers, next];

  // @ts-expect-error an event the reader namespace does not have
  await reader.call('page:vanish', { pageId: 'p' });
  // @ts-expect-error an admin event on the reader connection
  await reader.call('user:ban', { userId: 'u' });
  // @ts-expect-error a payload of the wrong shape
  await reader.call('comment:post', { pageId: 'p', text: 'hello' });
  // @ts-expect-error the ack has no such field
  void (await reader.call('page:join', { pageId: 'p' })).comment;
  // @ts-expect-error a queue status the protocol does not know
  await moderator.call('queue:list', { status: 'all' });
}

export async function harness(): Promise<void> {
  const ack = await emitAck(readerSocket, 'comment:post', { pageId: 'p', body: 'hi' });
  const id: string = ack.comment.id;
  const created = await nextEvent(readerSocket, 'comment:created');
  const body: string = created.comment.body;
  const presence = record(readerSocket, 'page:presence');
  const count: number | undefined = presence[0]?.readers;
  const flagged = await nextEvent(adminSocket, 'mod:flag');
  const reason: string = flagged.flag.reason;
  void [id, body, count, reason];

  // @ts-expect-error an event the reader namespace does not emit
  await nextEvent(readerSocket, 'mod:flag');
  // @ts-expect-error an event the client cannot send
  await emitAck(readerSocket, 'comment:created', { comment: created.comment });
  // @ts-expect-error a payload of the wrong shape
  await emitAck(readerSocket, 'page:join', { page: 1 });
  // @ts-expect-error an admin event on a reader socket
  await emitAck(readerSocket, 'user:ban', { userId: 'u' });
  // @ts-expect-error a payload field that does not exist on the event
  void (await nextEvent(readerSocket, 'comment:deleted')).comment;
  // @ts-expect-error record of an unknown event
  record(adminSocket, 'page:presence');
}
