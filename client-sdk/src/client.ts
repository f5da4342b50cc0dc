/**
 * The headless reader client: REST for reads and most writes, one Socket.IO
 * connection for live events and posting. It keeps the pages it follows
 * across reconnects, posts idempotently (a clientNonce retried after a drop,
 * never a duplicate), and fills gaps longer than the server's recovery window
 * so `comment:created` reaches the application once per comment, in order.
 */
import type { ClientEvents, ClientOptions, JoinResult, ListQuery, PostInput, PostResult } from './client-types';
import { Connection, type ConnectionState } from './connection';
import { PowRequiredError, UnavailableError } from './errors';
import { solvePow, type SolveOptions } from './pow';
import { LivePages } from './live-pages';
import { Listeners } from './listeners';
import type {
  ClientToServerEvents,
  Comment,
  CommentPage,
  CountsResponse,
  DataErasure,
  DataExport,
  GuestTokenResponse,
  PowChallengeResponse,
  ServerToClientEvents,
  SiteSettings,
} from './protocol';
import { createRest, seg, trimUrl, type Rest } from './rest';
import { DEFAULT_TIMEOUT_MS, DEFAULT_TRANSPORTS } from './socket';

export type { ClientEvents, ClientOptions, JoinResult, ListQuery, PostInput, PostResult } from './client-types';
export type { ConnectionChange, ConnectionState } from './connection';

/** The reader client returned by {@link createClient}. */
export interface ParleyClient {
  /** Opens the socket (idempotent); rejects with a ParleyError when the server refuses it. */
  connect(): Promise<void>;
  /** Closes the socket and removes its listeners; joined pages are kept and re-joined by a later `connect()`. */
  disconnect(): void;
  /** Switches the reader identity: REST uses it at once, the socket reconnects with it. */
  setToken(token: string | null): void;
  /** The current reader token. */
  readonly token: string | null;
  /** The current connection state. */
  readonly state: ConnectionState;
  /** Follows a page's live events (connecting first); remembered and re-joined after reconnects. */
  join(pageId: string): Promise<JoinResult>;
  /** Stops following a page. */
  leave(pageId: string): Promise<void>;
  /** One page of comments (REST). */
  list(pageId: string, q?: ListQuery): Promise<CommentPage>;
  /** Posts a comment or reply, over the socket when connected, else REST; retried safely after a drop. */
  post(pageId: string, input: PostInput): Promise<PostResult>;
  /** Edits your comment's body (REST). */
  edit(commentId: string, body: string): Promise<Comment>;
  /** Deletes a comment (yours, or any as a moderator) (REST). */
  remove(commentId: string): Promise<Comment>;
  /** Sets (`on` true) or unsets a reaction (REST). */
  react(commentId: string, type?: 'like', on?: boolean): Promise<Comment>;
  /** Flags a comment for moderators (REST). */
  flag(commentId: string, reason: string): Promise<void>;
  /** Visible-comment counts of many pages (REST, batched by 100). */
  counts(pageIds: string[]): Promise<Record<string, number>>;
  /** Asks for a guest token (REST); does not set it — call `setToken` with it. */
  guestToken(name: string, email?: string): Promise<GuestTokenResponse>;
  /** The site's public settings: whether guests may post, the edit window, the depth cap (REST). */
  settings(): Promise<SiteSettings>;
  /** Fetches a proof-of-work challenge and solves it; resolves with the `proofOfWork` to post (null if stopped). */
  solveChallenge(opts?: SolveOptions): Promise<string | null>;
  /** Everything Parley holds about the signed-in reader on this site (REST). */
  exportMyData(): Promise<DataExport>;
  /** Erases the signed-in reader's comments, name, avatar, reactions and flags on this site (REST). */
  eraseMyData(): Promise<DataErasure>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(event: K, fn: ClientEvents[K]): () => void;
}

/** Attempts of one post before its error is returned (every retry reuses the nonce). */
const MAX_POST_ATTEMPTS = 4;

/**
 * Creates a reader client for one site.
 * @example
 * const client = createClient({ url: 'https://comments.example.com', siteId: 'news', token });
 * client.on('comment:created', ({ comment }) => render(comment));
 * await client.join('/2024/cuba-trafficking');
 * const { comments, nextCursor } = await client.list('/2024/cuba-trafficking', { sort: 'newest' });
 */
export function createClient(options: ClientOptions): ParleyClient {
  const baseUrl = trimUrl(options.url);
  const { siteId } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let token = options.token ?? null;
  const listeners = new Listeners<ClientEvents>();
  const fetchFn = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const rest: Rest = createRest({ baseUrl, fetch: fetchFn, timeoutMs, token: () => token });

  const listUrl = (pageId: string) => `/sites/${seg(siteId)}/pages/${seg(pageId)}/comments`;
  const list = (pageId: string, q: ListQuery = {}) =>
    rest<CommentPage>('GET', listUrl(pageId), {
      query: { sort: q.sort, limit: q.limit, cursor: q.cursor, parentId: q.parentId },
    });

  const pages = new LivePages({
    // `conn` is only used once a page is followed, after it exists.
    join: (pageId) => conn.call('page:join', { pageId }),
    list,
    emit: (comment) => listeners.emit('comment:created', { comment }),
  });

  const conn = new Connection<ServerToClientEvents, ClientToServerEvents>({
    url: baseUrl,
    auth: () => (token ? { siteId, token } : { siteId }),
    transports: options.transports ?? DEFAULT_TRANSPORTS,
    timeoutMs,
    handlers: {
      'comment:created': ({ comment }) => pages.received(comment),
      'comment:updated': (p) => listeners.emit('comment:updated', p),
      'comment:deleted': (p) => listeners.emit('comment:deleted', p),
      'page:locked': (p) => listeners.emit('page:locked', p),
      'page:presence': (p) => listeners.emit('page:presence', p),
    },
    onState: (change) => {
      listeners.emit('connection', change);
      // Without recovery the server forgot our rooms, and events sent meanwhile are lost: re-join and refetch.
      if (change.state === 'connected' && !change.recovered) pages.refillAll();
    },
  });

  async function postOnce(
    pageId: string,
    payload: { body: string; parentId: string | null; clientNonce: string; proofOfWork?: string; honeypot?: string },
  ): Promise<Comment> {
    const viaSocket = conn.callIfConnected('comment:post', { pageId, ...payload });
    const { comment } = await (viaSocket ?? rest<{ comment: Comment }>('POST', listUrl(pageId), { body: payload }));
    return comment;
  }

  async function solveChallenge(opts?: SolveOptions): Promise<string | null> {
    const challenge = await rest<PowChallengeResponse>('GET', `/sites/${seg(siteId)}/challenge`);
    return solvePow(challenge, opts);
  }

  return {
    connect: () => conn.connect(),
    disconnect: () => conn.close(),
    setToken(next) {
      token = next ?? null;
      conn.restart();
    },
    get token() {
      return token;
    },
    get state() {
      return conn.state;
    },
    async join(pageId) {
      await conn.connect();
      return pages.follow<JoinResult>(pageId);
    },
    async leave(pageId) {
      pages.unfollow(pageId);
      await conn.callIfConnected('page:leave', { pageId });
    },
    list,
    async post(pageId, input) {
      const payload = {
        body: input.body,
        parentId: input.parentId ?? null,
        clientNonce: input.clientNonce ?? newNonce(),
        ...(input.proofOfWork ? { proofOfWork: input.proofOfWork } : {}),
        ...(input.honeypot ? { honeypot: input.honeypot } : {}),
        ...(input.notifyReplies ? { notifyReplies: true } : {}),
      };
      let solved = false;
      for (let attempt = 1; ; attempt++) {
        try {
          const comment = await postOnce(pageId, payload);
          return { comment, status: comment.status === 'pending' ? 'pending' : 'visible' };
        } catch (err) {
          // Headless clients: the site wants work (or the given proof expired) — solve a fresh challenge, once.
          if (err instanceof PowRequiredError && options.proofOfWork !== 'off' && !solved) {
            solved = true;
            const proof = await solveChallenge();
            if (!proof) throw err;
            payload.proofOfWork = proof;
            continue;
          }
          // Only "no answer" is retried, and always with the same nonce, so the server returns the first comment.
          if (!(err instanceof UnavailableError) || attempt >= MAX_POST_ATTEMPTS) throw err;
          if (conn.state === 'reconnecting') await conn.waitConnected(timeoutMs);
          else await delay(250 * attempt);
        }
      }
    },
    edit: async (commentId, body) =>
      (await rest<{ comment: Comment }>('PATCH', `/comments/${seg(commentId)}`, { body: { body } })).comment,
    remove: async (commentId) => (await rest<{ comment: Comment }>('DELETE', `/comments/${seg(commentId)}`)).comment,
    async react(commentId, type = 'like', on = true) {
      return (await rest<{ comment: Comment }>(on ? 'PUT' : 'DELETE', `/comments/${seg(commentId)}/reactions/${seg(type)}`))
        .comment;
    },
    async flag(commentId, reason) {
      await rest('POST', `/comments/${seg(commentId)}/flags`, { body: { reason } });
    },
    async counts(pageIds) {
      const unique = [...new Set(pageIds)];
      const batches: string[][] = [];
      for (let i = 0; i < unique.length; i += 100) batches.push(unique.slice(i, i + 100));
      const results = await Promise.all(
        batches.map((page) => rest<CountsResponse>('GET', `/sites/${seg(siteId)}/counts`, { query: { page } })),
      );
      return Object.assign({}, ...results.map((r) => r.counts)) as Record<string, number>;
    },
    guestToken: (name, email) =>
      rest<GuestTokenResponse>('POST', `/sites/${seg(siteId)}/guest-token`, { body: email ? { name, email } : { name } }),
    settings: async () => (await rest<{ settings: SiteSettings }>('GET', `/sites/${seg(siteId)}/settings`)).settings,
    solveChallenge,
    exportMyData: () => rest<DataExport>('GET', `/sites/${seg(siteId)}/me/export`),
    eraseMyData: async () => (await rest<{ erased: DataErasure }>('DELETE', `/sites/${seg(siteId)}/me`)).erased,
    on: (event, fn) => listeners.on(event, fn),
  };
}

/** A random clientNonce (`[A-Za-z0-9_:.-]`), from the platform's CSPRNG when there is one. */
function newNonce(): string {
  const bytes = new Uint8Array(16);
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return 'sdk-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
