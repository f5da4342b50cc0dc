/**
 * Public option, query, result and event types of the reader client
 * (see `client.ts`), kept apart so the client file reads as behaviour.
 */
import type { ConnectionChange } from './connection';
import type { Comment, ServerToClientEvents, SortOrder } from './protocol';
import type { Transport } from './socket';

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * Base URL of the Parley server (no path).
   * @example 'https://comments.example.com'
   */
  url: string;
  /**
   * The site to read and write.
   * @example 'news'
   */
  siteId: string;
  /**
   * Reader token (a JWT signed by the site's backend, or a guest token); null reads anonymously.
   * @default null
   */
  token?: string | null;
  /**
   * Socket.IO transports, in order of preference.
   * @default ['websocket', 'polling']
   */
  transports?: Transport[];
  /**
   * The fetch implementation for REST calls.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Timeout of each REST request and socket acknowledgement, in milliseconds.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * `auto`: when the site answers `pow_required`, fetch a challenge, solve it and post again (once).
   * `off`: throw the `PowRequiredError` instead.
   * @default 'auto'
   */
  proofOfWork?: 'auto' | 'off';
}

/** Events of `ParleyClient.on`: the server's room events (same payloads) plus connection changes. */
export interface ClientEvents {
  /** A new visible comment on a joined page (or your own held one); delivered at most once per id. */
  'comment:created': ServerToClientEvents['comment:created'];
  /** A comment was edited, reacted to or approved. */
  'comment:updated': ServerToClientEvents['comment:updated'];
  /** A comment was deleted or hidden. */
  'comment:deleted': ServerToClientEvents['comment:deleted'];
  /** A page was locked or unlocked. */
  'page:locked': ServerToClientEvents['page:locked'];
  /** How many readers have a page open. */
  'page:presence': ServerToClientEvents['page:presence'];
  /** The socket connected, dropped (and is reconnecting) or closed. */
  connection: (change: ConnectionChange) => void;
}

/** Query of `ParleyClient.list`. */
export interface ListQuery {
  /** @default 'newest' */
  sort?: SortOrder;
  /** 1..100. @default 20 */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /** List the replies of this comment instead of the top level. */
  parentId?: string | null;
}

/** Input of `ParleyClient.post`. */
export interface PostInput {
  body: string;
  parentId?: string | null;
  /** Idempotency key; generated when absent. Reusing it returns the first comment, never a duplicate. */
  clientNonce?: string;
  /** A solved challenge (see `solveChallenge`); when absent and the site asks for one, `post` solves it itself. */
  proofOfWork?: string;
  /** The widget's honeypot field: leave it out. */
  honeypot?: string;
  /** Email the author about replies (needs an `email` in the token and reply emails on the server: `settings().notifications.replies`). */
  notifyReplies?: boolean;
}

/** Result of `ParleyClient.post`: the stored comment and whether it is visible or held for moderation. */
export interface PostResult {
  comment: Comment;
  status: 'visible' | 'pending';
}

/** State of a joined page as `page:join` reports it. */
export interface JoinResult {
  total: number;
  locked: boolean;
  readers: number;
}
