import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Comment } from './comment';

/** A comment as stored: the domain {@link Comment} with ObjectIds, its queue day and import provenance. */
export interface CommentDoc extends Omit<Comment, 'id' | 'parentId' | 'shadow' | 'statusAt'> {
  _id: Types.ObjectId;
  parentId: Types.ObjectId | null;
  /** Always set (generated when the client sends none) so the unique index never sees a missing value. */
  clientNonce: string;
  /** `YYYY-MM-DD` (UTC) of creation: the moderation queues read day by day (see queue-days.ts). */
  day?: string;
  /** Imported comments only (left out for native ones, never null): where the comment came from. */
  sourceSystem?: string;
  sourceId?: string;
  /** `siteId␟system␟id`, unique: re-running an import cannot create a comment twice. */
  sourceKey?: string;
  /** Imported only, private (never in the public JSON): what the source knew of the author. */
  authorEmail?: string;
  authorUrl?: string;
  /** Written under a shadow ban: only its author (and moderators) see it. Left out when false. */
  shadow?: boolean;
  /** When the status last changed (retention of rejected and deleted bodies counts from here). */
  statusAt?: Date;
}

const commentSchema = new Schema<CommentDoc>(
  {
    siteId: { type: String, required: true },
    pageId: { type: String, required: true },
    parentId: { type: Schema.Types.ObjectId, default: null },
    depth: { type: Number, default: 0 },
    authorId: { type: String, required: true },
    authorName: { type: String, required: true },
    authorAvatar: { type: String, default: null },
    authorGuest: { type: Boolean, default: false },
    body: { type: String, default: '' },
    html: { type: String, default: '' },
    status: { type: String, enum: ['visible', 'pending', 'deleted', 'rejected'], required: true },
    clientNonce: { type: String, required: true },
    createdAt: { type: Date, required: true },
    editedAt: { type: Date, default: null },
    replyCount: { type: Number, default: 0 },
    likeCount: { type: Number, default: 0 },
    flagCount: { type: Number, default: 0 },
    flagOpen: { type: Boolean, default: false },
    day: { type: String },
    modReason: { type: String, default: null },
    sourceSystem: { type: String },
    sourceId: { type: String },
    sourceKey: { type: String },
    authorEmail: { type: String },
    authorUrl: { type: String },
    shadow: { type: Boolean },
    statusAt: { type: Date },
  },
  { versionKey: false },
);
// Listing newest/oldest: equality on the thread, then _id (time-ordered) for sort and cursor.
commentSchema.index({ siteId: 1, pageId: 1, parentId: 1, _id: -1 }, { name: 'thread_by_id' });
// Listing top: equality on the thread, then likes, then _id as the tie-breaker.
commentSchema.index({ siteId: 1, pageId: 1, parentId: 1, likeCount: -1, _id: -1 }, { name: 'thread_by_likes' });
// Idempotent posting: one comment per author and client nonce (no partial index: FerretDB has none).
commentSchema.index({ siteId: 1, authorId: 1, clientNonce: 1 }, { unique: true, name: 'author_nonce' });
// Imports: one comment per source comment and site. One field, sparse: MongoDB leaves native comments
// (no sourceKey) out of a sparse single-field index; FerretDB ignores `sparse` but never collides on a
// missing field. A compound key with siteId would index native comments on MongoDB and collide there.
commentSchema.index({ sourceKey: 1 }, { unique: true, sparse: true, name: 'import_source' });
// Moderation queues, read day by day (see queue-days.ts).
commentSchema.index({ siteId: 1, status: 1, day: 1, _id: -1 }, { name: 'queue_status_day' });
commentSchema.index({ siteId: 1, flagOpen: 1, day: 1, _id: -1 }, { name: 'queue_flagged_day' });
// A reader's own comments (data export and erasure).
commentSchema.index({ siteId: 1, authorId: 1 }, { name: 'by_author' });
// Feeds and the moderation page's Recent column: a site's or a page's latest comments, all levels.
commentSchema.index({ siteId: 1, _id: -1 }, { name: 'site_recent' });
commentSchema.index({ siteId: 1, pageId: 1, _id: -1 }, { name: 'page_recent' });

/** Registers the Comment model on a connection. */
export function commentModel(conn: Connection): Model<CommentDoc> {
  return (conn.models.Comment as Model<CommentDoc>) ?? conn.model<CommentDoc>('Comment', commentSchema, 'comments');
}

/** A reader's reaction to a comment. */
export interface ReactionDoc {
  siteId: string;
  commentId: Types.ObjectId;
  userId: string;
  type: string;
  createdAt: Date;
}

const reactionSchema = new Schema<ReactionDoc>(
  {
    siteId: { type: String, required: true },
    commentId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: String, required: true },
    type: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
reactionSchema.index({ commentId: 1, userId: 1, type: 1 }, { unique: true, name: 'one_per_user' });
reactionSchema.index({ siteId: 1 }, { name: 'by_site' });
reactionSchema.index({ siteId: 1, userId: 1 }, { name: 'by_user' });

/** Registers the Reaction model on a connection. */
export function reactionModel(conn: Connection): Model<ReactionDoc> {
  return (conn.models.Reaction as Model<ReactionDoc>) ?? conn.model<ReactionDoc>('Reaction', reactionSchema, 'reactions');
}

/** A reader's flag on a comment. */
export interface FlagDoc {
  siteId: string;
  commentId: Types.ObjectId;
  pageId: string;
  userId: string;
  reason: string;
  createdAt: Date;
}

const flagSchema = new Schema<FlagDoc>(
  {
    siteId: { type: String, required: true },
    commentId: { type: Schema.Types.ObjectId, required: true },
    pageId: { type: String, required: true },
    userId: { type: String, required: true },
    reason: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
flagSchema.index({ commentId: 1, userId: 1 }, { unique: true, name: 'one_per_user' });
flagSchema.index({ siteId: 1 }, { name: 'by_site' });
flagSchema.index({ siteId: 1, userId: 1 }, { name: 'by_user' });

/** Registers the Flag model on a connection. */
export function flagModel(conn: Connection): Model<FlagDoc> {
  return (conn.models.Flag as Model<FlagDoc>) ?? conn.model<FlagDoc>('Flag', flagSchema, 'flags');
}
