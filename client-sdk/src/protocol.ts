/**
 * Parley's wire contract: the Socket.IO event maps, payloads, acks, the comment
 * JSON and the error codes shared by the server, the SDK and the widget.
 * This file has no dependencies; besides types it holds one data table, the
 * HTTP status of each error code, which both sides share.
 */

/** Every error code a client can receive (SPEC "Errors"). */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_token'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'locked'
  | 'banned'
  | 'unavailable'
  | 'pow_required'
  | 'internal';

/** HTTP status of every error code (SPEC "Errors"); socket acks carry the same codes. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  invalid_token: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  locked: 423,
  banned: 403,
  unavailable: 503,
  pow_required: 403,
  internal: 500,
};

/** The error body of every failed HTTP response and socket ack. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Present with `rate_limited`: how long to wait before retrying. */
  retryAfterMs?: number;
  /** Present with `bad_request` when a field is at fault. */
  details?: { path: string; message: string }[];
}

/** HTTP error response shape: `{ error: { code, message } }`. */
export interface ErrorResponse {
  error: ErrorBody;
}

/** Lifecycle state of a comment. */
export type CommentStatus = 'visible' | 'pending' | 'deleted' | 'rejected';

/** How new comments of a site are published. */
export type ModerationMode = 'post' | 'pre' | 'first';

/** Listing orders. */
export type SortOrder = 'newest' | 'oldest' | 'top';

/** Reaction kinds a reader can set on a comment. */
export type ReactionType = 'like';

/** Public author data of a comment; hidden (null fields) on tombstones. */
export interface Author {
  id: string | null;
  name: string | null;
  avatar: string | null;
  guest: boolean;
}

/** The public comment JSON (SPEC "Comment JSON"). */
export interface Comment {
  id: string;
  siteId: string;
  pageId: string;
  parentId: string | null;
  depth: number;
  author: Author;
  body: string;
  html: string;
  status: CommentStatus;
  createdAt: string;
  editedAt: string | null;
  replyCount: number;
  reactions: Record<ReactionType, number>;
  /** Viewer-specific; left out of room broadcasts. */
  viewer?: { reacted: ReactionType[] };
  /** Moderators only: why a comment is held or how often it was flagged. */
  moderation?: { reason?: string | null; flagCount?: number; flagReasons?: string[]; shadow?: boolean };
}

/** A successful ack carries `ok: true` and the fields of T. */
export type Ok<T extends object = object> = { ok: true } & T;
/** A failed ack. */
export interface Fail {
  ok: false;
  error: ErrorBody;
}
/** Every ack is either a success or a failure. */
export type Ack<T extends object = object> = Ok<T> | Fail;

/** Callback of an acknowledged client event. */
export type AckFn<T extends object = object> = (ack: Ack<T>) => void;

/* eslint-disable @typescript-eslint/no-explicit-any -- `any` in the positions below only matches function shapes. */
/** Names of the acknowledged events of an event map (listener `(payload, ack) => void`). */
export type AckEventName<M> = {
  [E in keyof M]: M[E] extends (payload: any, ack: AckFn<any>) => void ? E : never;
}[keyof M] &
  string;

/** Payload of event `E` of map `M`. */
export type EventPayload<M, E extends keyof M> = M[E] extends (payload: infer P, ...rest: any[]) => void ? P : never;

/** Fields of a successful ack of event `E` of map `M` (besides `ok: true`). */
export type AckData<M, E extends keyof M> = M[E] extends (payload: any, ack: AckFn<infer T>) => void ? T : never;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Handshake `auth` of both namespaces. */
export interface HandshakeAuth {
  siteId: string;
  token?: string;
}

/** `comment:post` payload (same rules as REST). */
export interface PostCommentInput {
  pageId: string;
  body: string;
  parentId?: string | null;
  clientNonce?: string;
  /** A solved challenge (`GET /sites/:siteId/challenge`) where the site asks for proof of work. */
  proofOfWork?: string;
  /** The widget's hidden honeypot field: people leave it empty. */
  honeypot?: string;
  /** Email the author when someone replies (needs an address in the token and notifications on the server). */
  notifyReplies?: boolean;
}

/** Reader namespace `/`: client → server. */
export interface ClientToServerEvents {
  'page:join': (payload: { pageId: string }, ack: AckFn<{ total: number; locked: boolean; readers: number }>) => void;
  'page:leave': (payload: { pageId: string }, ack: AckFn) => void;
  'comment:post': (payload: PostCommentInput, ack: AckFn<{ comment: Comment }>) => void;
}

/** Presence of a page: how many readers have it open (beyond the SPEC). */
export interface PresencePayload {
  pageId: string;
  readers: number;
}

/** Reader namespace `/`: server → client. */
export interface ServerToClientEvents {
  'comment:created': (payload: { comment: Comment }) => void;
  'comment:updated': (payload: { comment: Comment }) => void;
  'comment:deleted': (payload: { id: string; pageId: string }) => void;
  'page:locked': (payload: { pageId: string; locked: boolean }) => void;
  'page:presence': (payload: PresencePayload) => void;
}

/** `queue:list` payload. */
export interface QueueListInput {
  status: 'pending' | 'flagged';
  limit?: number;
  cursor?: string | null;
}

/**
 * `comments:recent` payload (an addition to the SPEC's admin events): the site's
 * latest comments of every status, newest first, paged by `cursor`; optionally
 * only one author's (`authorId`) or those whose text contains `text`
 * (case-insensitive), or one `status`.
 */
export interface RecentListInput {
  limit?: number;
  cursor?: string | null;
  authorId?: string;
  text?: string;
  status?: CommentStatus;
}

/** Admin namespace `/admin`: client → server. */
export interface AdminClientToServerEvents {
  'comment:delete': (payload: { commentId: string; reason?: string }, ack: AckFn<{ comment: Comment }>) => void;
  'comment:approve': (payload: { commentId: string }, ack: AckFn<{ comment: Comment }>) => void;
  'comment:reject': (payload: { commentId: string; reason?: string }, ack: AckFn<{ comment: Comment }>) => void;
  'user:ban': (payload: { userId: string; reason?: string; until?: string | null; shadow?: boolean }, ack: AckFn) => void;
  'user:unban': (payload: { userId: string }, ack: AckFn) => void;
  'page:lock': (payload: { pageId: string; locked: boolean }, ack: AckFn) => void;
  'queue:list': (payload: QueueListInput, ack: AckFn<{ comments: Comment[]; nextCursor: string | null }>) => void;
  'comments:recent': (payload: RecentListInput, ack: AckFn<{ comments: Comment[]; nextCursor: string | null }>) => void;
}

/** A flag as moderators see it. */
export interface FlagPayload {
  commentId: string;
  pageId: string;
  reason: string;
  userId: string;
  flagCount: number;
  createdAt: string;
}

/** Admin namespace `/admin`: server → client. */
export interface AdminServerToClientEvents {
  'mod:comment': (payload: { comment: Comment }) => void;
  'mod:flag': (payload: { flag: FlagPayload; comment: Comment }) => void;
  'comment:updated': (payload: { comment: Comment }) => void;
  'comment:deleted': (payload: { id: string; pageId: string }) => void;
  'page:locked': (payload: { pageId: string; locked: boolean }) => void;
}

/** `GET …/comments` response. */
export interface CommentPage {
  comments: Comment[];
  nextCursor: string | null;
  total: number;
}

/** `GET /sites/:siteId/counts` response. */
export interface CountsResponse {
  counts: Record<string, number>;
}

/** `POST /sites/:siteId/guest-token` response. */
export interface GuestTokenResponse {
  token: string;
  expiresAt: string;
}

/** Per-site rate limits (SPEC "Rate limits"). */
export interface SiteLimits {
  postsPerMinutePerUser: number;
  postsPerMinutePerIp: number;
  guestTokensPerHourPerIp: number;
  flagsPerHourPerUser: number;
  connectionsPerMinutePerIp: number;
}

/** A site as the admin API shows it (never its secret). */
export interface Site {
  siteId: string;
  name: string;
  origins: string[];
  publicKey: string | null;
  guests: boolean;
  moderation: ModerationMode;
  editWindowSec: number;
  maxDepth: number;
  limits: SiteLimits;
  blockedWords: string[];
  /** Who must solve a proof-of-work challenge before posting (default `off`). */
  proofOfWork: ProofOfWorkMode;
  /** Hold comments of untrusted authors with more than this many links (null: off). */
  linkHold: number | null;
  /** Days after which bodies of rejected and deleted comments are purged (null: kept). */
  retentionDays: number | null;
  /** Language of the site's emails (default `en`). */
  language: SiteLanguage;
  /** Addresses that get moderator alerts (new pending and flagged comments, gathered); empty: none. */
  moderatorEmails: string[];
  /** Whether guests may give an email address for reply notifications (default false). */
  guestEmails: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What any reader may know about a site (`GET /sites/:siteId/settings`): no secret, no limits. */
export interface SiteSettings {
  siteId: string;
  name: string;
  guests: boolean;
  moderation: ModerationMode;
  editWindowSec: number;
  maxDepth: number;
  maxBodyChars: number;
  /** Who must solve a proof-of-work challenge before posting. */
  proofOfWork: ProofOfWorkMode;
  /** Reply emails: whether the server can send them, and whether guests may give an address. */
  notifications: { replies: boolean; guestEmails: boolean };
  /** The site's language (emails; a widget may follow it). */
  language: SiteLanguage;
}

/** Languages Parley's emails and widget speak. */
export type SiteLanguage = 'en' | 'es' | 'de' | 'fr' | 'it' | 'pt';

/** Events a webhook can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'comment.approved',
  'comment.rejected',
  'comment.flagged',
  'user.banned',
  'page.locked',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A registered webhook as the admin API shows it (never its secret). */
export interface Webhook {
  id: string;
  siteId: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One delivery attempt of a webhook event. */
export interface WebhookDelivery {
  deliveryId: string;
  eventId: string;
  type: WebhookEventType;
  attempt: number;
  at: string;
  /** HTTP status of the answer; null when no answer came (refused, timed out, unreachable). */
  status: number | null;
  ok: boolean;
  durationMs: number;
  /** At most 256 bytes of the answer or of the error. */
  excerpt: string;
}

/** The body Parley POSTs to a webhook. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  siteId: string;
  data: {
    comment?: Comment;
    flag?: { reason: string; flagCount: number; createdAt: string };
    user?: { id: string; until: string | null; reason: string | null };
    page?: { pageId: string; locked: boolean };
  };
}

/** Who must prove work before posting: nobody, guests, untrusted readers (guests and readers without an approved comment), or everyone but moderators. */
export type ProofOfWorkMode = 'off' | 'guests' | 'untrusted' | 'everyone';

/** `GET /sites/:siteId/challenge` response: an ALTCHA v2 challenge (PBKDF2/SHA-256, signed by the server). */
export interface PowChallengeResponse {
  challenge: {
    parameters: {
      algorithm: string;
      nonce: string;
      salt: string;
      cost: number;
      keyLength: number;
      keyPrefix: string;
      keySignature?: string;
      expiresAt?: number;
      data?: Record<string, string | number | boolean | null>;
    };
    signature?: string;
  };
  /** Difficulty level (0 = normal; rises during bursts). */
  level: number;
  /** Roughly how many attempts a solver needs on average at this level. */
  expectedAttempts: number;
}

/** `GET /sites/:siteId/me/export` response: everything Parley holds about one reader on one site. */
export interface DataExport {
  siteId: string;
  userId: string;
  exportedAt: string;
  comments: {
    id: string;
    pageId: string;
    parentId: string | null;
    status: CommentStatus;
    authorName: string;
    authorAvatar: string | null;
    body: string;
    createdAt: string;
    editedAt: string | null;
  }[];
  reactions: { commentId: string; type: string; createdAt: string }[];
  flags: { commentId: string; pageId: string; reason: string; createdAt: string }[];
  /** Reply-email subscriptions, with the address they mail. */
  subscriptions: { commentId: string; pageId: string; email: string }[];
  moderation: { banned: boolean; banUntil: string | null; trusted: boolean };
}

/** `DELETE /sites/:siteId/me` response: what was erased. */
export interface DataErasure {
  comments: { tombstoned: number; removed: number };
  reactions: number;
  flags: number;
  /** Reply-email subscriptions removed. */
  subscriptions: number;
}
