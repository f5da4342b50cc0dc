/**
 * The moderator client for the `/admin` namespace: every moderator action as
 * a promise over an acknowledged event, and the moderation feed (`mod:comment`,
 * `mod:flag`, …) through `on`. The server puts a moderator socket in its
 * site's room on every connection, so reconnects need no bookkeeping here.
 */
import { Connection, type ConnectionChange, type ConnectionState } from './connection';
import { Listeners } from './listeners';
import type { AdminClientToServerEvents, AdminServerToClientEvents, Comment, EventPayload, RecentListInput } from './protocol';
import { trimUrl } from './rest';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRANSPORTS, type Transport } from './socket';

/** Options of {@link createAdminClient}. */
export interface AdminClientOptions {
  /**
   * Base URL of the Parley server (no path; `/admin` is added).
   * @example 'https://comments.example.com'
   */
  url: string;
  /**
   * The site to moderate.
   * @example 'news'
   */
  siteId: string;
  /** A token with the `moderator` (or `admin`) role for the site; others are refused with `ForbiddenError`. */
  token: string;
  /**
   * Socket.IO transports, in order of preference.
   * @default ['websocket', 'polling']
   */
  transports?: Transport[];
  /**
   * Timeout of each acknowledgement, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
}

/** Events of {@link ParleyAdminClient.on}: the admin namespace's events plus connection changes. */
export interface AdminClientEvents {
  /** Every new comment of the site, held ones included (moderator view). */
  'mod:comment': AdminServerToClientEvents['mod:comment'];
  /** A reader flagged a comment. */
  'mod:flag': AdminServerToClientEvents['mod:flag'];
  /** A comment of the site changed (moderator view). */
  'comment:updated': AdminServerToClientEvents['comment:updated'];
  /** A comment of the site was deleted. */
  'comment:deleted': AdminServerToClientEvents['comment:deleted'];
  /** A page of the site was locked or unlocked. */
  'page:locked': AdminServerToClientEvents['page:locked'];
  /** The socket connected, dropped (and is reconnecting) or closed. */
  connection: (change: ConnectionChange) => void;
}

/** A page of the moderation queue. */
export interface QueuePage {
  comments: Comment[];
  nextCursor: string | null;
}

/** The moderator client returned by {@link createAdminClient}. */
export interface ParleyAdminClient {
  /** Opens the socket (idempotent); rejects with a ParleyError (e.g. ForbiddenError) when refused. */
  connect(): Promise<void>;
  /** Closes the socket and removes its listeners. */
  disconnect(): void;
  /** The current connection state. */
  readonly state: ConnectionState;
  /** Deletes a comment (a tombstone when it has replies); readers get `comment:deleted`. */
  deleteComment(commentId: string, reason?: string): Promise<Comment>;
  /** Approves a held comment; readers get it as `comment:created`. */
  approve(commentId: string): Promise<Comment>;
  /** Rejects a held or visible comment. */
  reject(commentId: string, reason?: string): Promise<Comment>;
  /** Bans a user from writing on the site (until a date, or for good). */
  ban(userId: string, opts?: { reason?: string; until?: string | null; shadow?: boolean }): Promise<void>;
  /** Lifts a ban. */
  unban(userId: string): Promise<void>;
  /** Locks or unlocks a page for writes. */
  lockPage(pageId: string, locked: boolean): Promise<void>;
  /** One page of the pending or flagged queue. */
  queue(q: { status: 'pending' | 'flagged'; limit?: number; cursor?: string | null }): Promise<QueuePage>;
  /** One page of the site's latest comments of every status, optionally searched by author id or text. */
  recent(q?: RecentListInput): Promise<QueuePage>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof AdminClientEvents>(event: K, fn: AdminClientEvents[K]): () => void;
}

/**
 * Creates a moderator client for one site.
 * @example
 * const mod = createAdminClient({ url: 'https://comments.example.com', siteId: 'news', token: moderatorJwt });
 * mod.on('mod:comment', ({ comment }) => showInQueue(comment));
 * await mod.connect();
 * await mod.approve(commentId);
 */
export function createAdminClient(options: AdminClientOptions): ParleyAdminClient {
  const listeners = new Listeners<AdminClientEvents>();
  const forward =
    <K extends keyof AdminClientEvents>(event: K) =>
    (payload: Parameters<AdminClientEvents[K]>[0]) =>
      listeners.emit(event, payload);
  const conn = new Connection<AdminServerToClientEvents, AdminClientToServerEvents>({
    url: `${trimUrl(options.url)}/admin`,
    auth: () => ({ siteId: options.siteId, token: options.token }),
    transports: options.transports ?? DEFAULT_TRANSPORTS,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    handlers: {
      'mod:comment': forward('mod:comment'),
      'mod:flag': forward('mod:flag'),
      'comment:updated': forward('comment:updated'),
      'comment:deleted': forward('comment:deleted'),
      'page:locked': forward('page:locked'),
    },
    onState: (change) => listeners.emit('connection', change),
  });
  type CommentAction = 'comment:delete' | 'comment:approve' | 'comment:reject';
  const withComment = async (event: CommentAction, payload: EventPayload<AdminClientToServerEvents, CommentAction>) =>
    (await conn.call(event, payload)).comment;

  return {
    connect: () => conn.connect(),
    disconnect: () => conn.close(),
    get state() {
      return conn.state;
    },
    deleteComment: (commentId, reason) =>
      withComment('comment:delete', reason === undefined ? { commentId } : { commentId, reason }),
    approve: (commentId) => withComment('comment:approve', { commentId }),
    reject: (commentId, reason) => withComment('comment:reject', reason === undefined ? { commentId } : { commentId, reason }),
    async ban(userId, opts = {}) {
      await conn.call('user:ban', { userId, ...opts });
    },
    async unban(userId) {
      await conn.call('user:unban', { userId });
    },
    async lockPage(pageId, locked) {
      await conn.call('page:lock', { pageId, locked });
    },
    queue: (q) => conn.call('queue:list', q),
    recent: (q = {}) => conn.call('comments:recent', q),
    on: (event, fn) => listeners.on(event, fn),
  };
}
