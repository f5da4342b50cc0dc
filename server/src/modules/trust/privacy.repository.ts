import { Types, trusted, type Connection, type FilterQuery, type Model } from 'mongoose';
import {
  commentModel,
  flagModel,
  reactionModel,
  type CommentDoc,
  type FlagDoc,
  type ReactionDoc,
} from '../comments/comment.model';
import type { Comment } from '../comments/comment';
import { toComment } from '../comments/comments.repository';

/** A reader's reaction as their export shows it. */
export interface ReactionRecord {
  commentId: string;
  type: string;
  createdAt: Date;
}

/** A reader's flag as their export shows it. */
export interface FlagRecord {
  commentId: string;
  pageId: string;
  reason: string;
  createdAt: Date;
}

/** Author id given to comments whose author erased their data (one per comment, so nonces never collide). */
export const erasedAuthorId = (commentId: string) => `erased:${commentId}`;

/** Persistence for readers' data rights and retention: everything one user left on a site. */
export class PrivacyRepository {
  private readonly Comment: Model<CommentDoc>;
  private readonly Reaction: Model<ReactionDoc>;
  private readonly Flag: Model<FlagDoc>;
  constructor(conn: Connection) {
    this.Comment = commentModel(conn);
    this.Reaction = reactionModel(conn);
    this.Flag = flagModel(conn);
  }

  /** Every comment the user wrote on the site (any status), oldest first. */
  async commentsBy(siteId: string, userId: string): Promise<Comment[]> {
    const docs = await this.Comment.find({ siteId, authorId: userId }).sort({ _id: 1 }).lean<CommentDoc[]>();
    return docs.map(toComment);
  }

  /** The user's reactions on the site. */
  async reactionsBy(siteId: string, userId: string): Promise<ReactionRecord[]> {
    const docs = await this.Reaction.find({ siteId, userId }).sort({ _id: 1 }).lean<ReactionDoc[]>();
    return docs.map((d) => ({ commentId: d.commentId.toHexString(), type: d.type, createdAt: d.createdAt }));
  }

  /** The user's flags on the site. */
  async flagsBy(siteId: string, userId: string): Promise<FlagRecord[]> {
    const docs = await this.Flag.find({ siteId, userId }).sort({ _id: 1 }).lean<FlagDoc[]>();
    return docs.map((d) => ({
      commentId: d.commentId.toHexString(),
      pageId: d.pageId,
      reason: d.reason,
      createdAt: d.createdAt,
    }));
  }

  /** Removes the user's reactions; returns what they were, so counters can follow. */
  async removeReactions(siteId: string, userId: string): Promise<ReactionRecord[]> {
    const found = await this.reactionsBy(siteId, userId);
    await this.Reaction.deleteMany({ siteId, userId });
    return found;
  }

  /** Removes the user's flags; returns what they were. */
  async removeFlags(siteId: string, userId: string): Promise<FlagRecord[]> {
    const found = await this.flagsBy(siteId, userId);
    await this.Flag.deleteMany({ siteId, userId });
    return found;
  }

  /** Blanks a comment's author and body for good (it stays only as a tombstone holding replies up). */
  async scrub(id: string): Promise<void> {
    await this.Comment.updateOne(
      { _id: new Types.ObjectId(id) },
      {
        $set: { authorId: erasedAuthorId(id), authorName: '', authorAvatar: null, body: '', html: '', modReason: null },
      },
    );
  }

  /** Deletes the given comments that hold no replies up; returns how many went. */
  async removeUnreplied(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const res = await this.Comment.deleteMany({
      _id: trusted({ $in: ids.map((id) => new Types.ObjectId(id)) }),
      replyCount: trusted({ $lte: 0 }),
    });
    return res.deletedCount;
  }

  /** Blanks bodies of rejected and deleted comments of a site whose status changed before `cutoff`. */
  async purgeBodies(siteId: string, cutoff: Date): Promise<number> {
    const filter: FilterQuery<CommentDoc> = {
      siteId,
      status: trusted({ $in: ['rejected', 'deleted'] }),
      $or: [
        { statusAt: trusted({ $lt: cutoff }) },
        { statusAt: trusted({ $exists: false }), createdAt: trusted({ $lt: cutoff }) },
      ],
      $and: [{ $or: [{ body: trusted({ $ne: '' }) }, { html: trusted({ $ne: '' }) }] }],
    };
    const res = await this.Comment.updateMany(filter, { $set: { body: '', html: '' } });
    return res.modifiedCount;
  }
}
