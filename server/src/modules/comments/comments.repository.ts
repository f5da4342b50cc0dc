import { Types, trusted, type Connection, type FilterQuery, type Model } from 'mongoose';
import { initCollections, isDuplicateKey, type IndexPolicy } from '../../infra/mongo';
import type { CommentStatus, SortOrder } from '@parley/protocol';
import type { Comment } from './comment';
import type { CursorPosition } from './cursor';
import { commentModel, flagModel, reactionModel, type CommentDoc, type FlagDoc, type ReactionDoc } from './comment.model';
import { mapLimit } from '../../infra/map-limit';
import { KeyedSerial } from './keyed-serial';
import { dayOf, QueueDays } from './queue-days';
import { latestByDay } from '../../infra/latest-by-day';

/** Fields of a new comment. */
export type NewComment = Omit<
  Comment,
  'id' | 'replyCount' | 'likeCount' | 'flagCount' | 'flagOpen' | 'editedAt' | 'shadow' | 'statusAt'
> & { shadow?: boolean };

/** Who is listing, which decides what beyond visible comments they see. */
export type ListAudience = { kind: 'public' } | { kind: 'author'; userId: string } | { kind: 'moderator' };

/** Listing query. */
export interface ListQuery {
  siteId: string;
  pageId: string;
  parentId: string | null;
  sort: SortOrder;
  limit: number;
  after: CursorPosition | null;
  audience: ListAudience;
}

/** Query of {@link CommentsRepository.recent}. */
export interface RecentQuery {
  siteId: string;
  /** One page only; every page of the site when absent. */
  pageId?: string;
  /** Only these statuses; every status when absent. */
  statuses?: CommentStatus[];
  authorId?: string;
  /** Case-insensitive literal text the body contains. */
  text?: string;
  limit: number;
  /** Only comments older than this comment id (the previous page's last). */
  beforeId?: string | null;
}

/** Escapes a literal string for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Converts a stored document to the domain {@link Comment}. */
export function toComment(doc: CommentDoc): Comment {
  return {
    id: doc._id.toHexString(),
    siteId: doc.siteId,
    pageId: doc.pageId,
    parentId: doc.parentId ? doc.parentId.toHexString() : null,
    depth: doc.depth ?? 0,
    authorId: doc.authorId,
    authorName: doc.authorName,
    authorAvatar: doc.authorAvatar ?? null,
    authorGuest: Boolean(doc.authorGuest),
    body: doc.body ?? '',
    html: doc.html ?? '',
    status: doc.status,
    clientNonce: doc.clientNonce,
    createdAt: doc.createdAt,
    editedAt: doc.editedAt ?? null,
    replyCount: doc.replyCount ?? 0,
    likeCount: doc.likeCount ?? 0,
    flagCount: doc.flagCount ?? 0,
    flagOpen: Boolean(doc.flagOpen),
    modReason: doc.modReason ?? null,
    shadow: Boolean(doc.shadow),
    statusAt: doc.statusAt ?? null,
  };
}

/** Whether a string is a valid ObjectId in canonical hex form. */
export function isObjectId(id: unknown): id is string {
  return typeof id === 'string' && /^[0-9a-f]{24}$/.test(id);
}

function visibilityFilter(audience: ListAudience): FilterQuery<CommentDoc> {
  // Tombstones stay only while they hold replies up.
  // Comments written under a shadow ban are left out for everyone but their author and moderators.
  const shown: FilterQuery<CommentDoc>[] = [
    { status: 'visible', shadow: trusted({ $ne: true }) },
    { status: 'deleted', replyCount: trusted({ $gt: 0 }) },
  ];
  if (audience.kind === 'moderator')
    shown.push({ status: trusted({ $in: ['pending', 'rejected'] }) }, { status: 'visible', shadow: true });
  if (audience.kind === 'author')
    shown.push({ authorId: audience.userId, status: trusted({ $in: ['pending', 'rejected', 'visible'] }) });
  return { $or: shown };
}

/** The filter and sort of one listing page; exported so a test can `explain()` it. */
export function listingQuery(q: ListQuery): { filter: FilterQuery<CommentDoc>; sort: Record<string, 1 | -1> } {
  const thread: FilterQuery<CommentDoc> = {
    siteId: q.siteId,
    pageId: q.pageId,
    parentId: q.parentId ? new Types.ObjectId(q.parentId) : null,
  };
  const and: FilterQuery<CommentDoc>[] = [visibilityFilter(q.audience)];
  let sort: Record<string, 1 | -1>;
  if (q.sort === 'top') {
    sort = { likeCount: -1, _id: -1 };
    if (q.after) {
      const id = new Types.ObjectId(q.after.id);
      and.push({
        $or: [{ likeCount: trusted({ $lt: q.after.likes }) }, { likeCount: q.after.likes, _id: trusted({ $lt: id }) }],
      });
    }
  } else {
    const dir = q.sort === 'newest' ? -1 : 1;
    sort = { _id: dir };
    if (q.after) and.push({ _id: trusted({ [dir === -1 ? '$lt' : '$gt']: new Types.ObjectId(q.after.id) }) });
  }
  return { filter: { ...thread, $and: and }, sort };
}

/** Persistence of comments, reactions and flags; returns plain records only. */
export class CommentsRepository {
  readonly Comment: Model<CommentDoc>;
  private readonly Reaction: Model<ReactionDoc>;
  private readonly Flag: Model<FlagDoc>;
  /** Updates of one comment run one at a time (see KeyedSerial: the embedded store's updates are not atomic). */
  private readonly serial = new KeyedSerial();
  private readonly queues: QueueDays;
  constructor(private readonly conn: Connection) {
    this.Comment = commentModel(conn);
    this.Reaction = reactionModel(conn);
    this.Flag = flagModel(conn);
    this.queues = new QueueDays(conn, this.Comment);
  }

  /** Ensures collections and indexes exist (see IndexPolicy). */
  async init(policy: IndexPolicy = 'all'): Promise<void> {
    await initCollections(
      [this.Comment, this.Reaction, this.Flag, this.queues.Month, this.queues.Day] as Model<unknown>[],
      policy,
    );
    await this.queues.backfill();
  }

  /** Inserts a comment; a duplicate (author, nonce) rejects with code 11000. */
  async insert(c: NewComment): Promise<Comment> {
    // Straight to the driver: every field is set here, and mongoose's document machinery
    // (construction, validation, save hooks) cost CPU on each post's acknowledgement path (docs/performance.md).
    const { shadow, ...fields } = c;
    const _id = new Types.ObjectId();
    const doc: CommentDoc = {
      _id,
      ...fields,
      ...(shadow ? { shadow: true } : {}),
      day: dayOf(_id),
      parentId: c.parentId ? new Types.ObjectId(c.parentId) : null,
      replyCount: 0,
      likeCount: 0,
      flagCount: 0,
      flagOpen: false,
      editedAt: null,
    };
    await this.Comment.collection.insertOne(doc);
    if (doc.status === 'pending') await this.queues.markHeld(doc.siteId, 'pending', doc.day!);
    return toComment(doc);
  }

  /** One comment by id (any status), or null. */
  async find(id: string): Promise<Comment | null> {
    if (!isObjectId(id)) return null;
    const doc = await this.Comment.findById(id).lean<CommentDoc>();
    return doc ? toComment(doc) : null;
  }

  /** The comment an author posted with a nonce, or null. */
  async findByNonce(siteId: string, authorId: string, clientNonce: string): Promise<Comment | null> {
    const doc = await this.Comment.findOne({ siteId, authorId, clientNonce }).lean<CommentDoc>();
    return doc ? toComment(doc) : null;
  }

  /** One page of a thread level, plus whether more follow. */
  async list(q: ListQuery): Promise<{ items: Comment[]; more: boolean }> {
    const { filter, sort } = listingQuery(q);
    const docs = await this.Comment.find(filter)
      .sort(sort)
      .limit(q.limit + 1)
      .lean<CommentDoc[]>();
    return { items: docs.slice(0, q.limit).map(toComment), more: docs.length > q.limit };
  }

  /** Sets fields when the comment still has the expected status; returns the new record or null. */
  async update(
    id: string,
    set: Partial<Omit<CommentDoc, '_id' | 'parentId'>>,
    whenStatus?: CommentStatus[],
  ): Promise<Comment | null> {
    const _id = new Types.ObjectId(id);
    const filter: FilterQuery<CommentDoc> = { _id };
    if (whenStatus) filter.status = trusted({ $in: whenStatus });
    // A comment entering a queue carries its day (one stored before the days index may lack it).
    const fields = set.status === 'pending' ? { ...set, day: dayOf(_id) } : set;
    const doc = await this.serial.run(id, () =>
      this.Comment.findOneAndUpdate(filter, { $set: fields }, { new: true }).lean<CommentDoc>(),
    );
    if (doc && set.status === 'pending') await this.queues.markHeld(doc.siteId, 'pending', dayOf(doc._id));
    return doc ? toComment(doc) : null;
  }

  /** Adds to counters of a comment; returns the new record. */
  async increment(
    id: string,
    inc: Partial<Record<'replyCount' | 'likeCount' | 'flagCount', number>>,
    set: Partial<CommentDoc> = {},
  ): Promise<Comment | null> {
    // A comment entering the flagged queue carries its day (one stored before the days index may lack it).
    const fields = set.flagOpen ? { ...set, day: dayOf(new Types.ObjectId(id)) } : set;
    const update = { $inc: inc, ...(Object.keys(fields).length ? { $set: fields } : {}) };
    const doc = await this.serial.run(id, () => this.Comment.findByIdAndUpdate(id, update, { new: true }).lean<CommentDoc>());
    if (doc && set.flagOpen) await this.queues.markHeld(doc.siteId, 'flagged', dayOf(doc._id));
    return doc ? toComment(doc) : null;
  }

  /** Records a reaction; false if the reader had already reacted so. */
  async addReaction(siteId: string, commentId: string, userId: string, type: string): Promise<boolean> {
    try {
      await this.Reaction.create({ siteId, commentId: new Types.ObjectId(commentId), userId, type, createdAt: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Removes a reaction; false if there was none. */
  async removeReaction(commentId: string, userId: string, type: string): Promise<boolean> {
    const res = await this.Reaction.deleteOne({ commentId: new Types.ObjectId(commentId), userId, type });
    return res.deletedCount === 1;
  }

  /**
   * The reaction types a reader has set, per comment id. One comment (after a
   * post or a reaction): both equalities, which the embedded store serves from
   * the comment's reactions. Several (a listing): the reader's reactions, whose
   * `$in` the embedded store checks in Go (as many rows as the reader has reacted).
   */
  async reactionsOf(userId: string, commentIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!commentIds.length) return out;
    const ids = commentIds.map((id) => new Types.ObjectId(id));
    const docs = await this.Reaction.find(
      { userId, commentId: ids.length === 1 ? ids[0] : trusted({ $in: ids }) },
      { _id: 0, commentId: 1, type: 1 },
    ).lean<Pick<ReactionDoc, 'commentId' | 'type'>[]>();
    for (const d of docs) {
      const key = d.commentId.toHexString();
      out.set(key, [...(out.get(key) ?? []), d.type]);
    }
    return out;
  }

  /** Records a flag; false if this reader had already flagged the comment. */
  async addFlag(f: Omit<FlagDoc, 'commentId' | 'createdAt'> & { commentId: string }): Promise<boolean> {
    try {
      await this.Flag.create({ ...f, commentId: new Types.ObjectId(f.commentId), createdAt: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Flag reasons of comments, newest first, per comment id (one indexed lookup per comment, not a scanning `$in`). */
  async flagReasons(commentIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    await mapLimit(commentIds, 10, async (id) => {
      const docs = await this.Flag.find({ commentId: new Types.ObjectId(id) }, { _id: 0, reason: 1 })
        .sort({ createdAt: -1 })
        .limit(50)
        .lean<Pick<FlagDoc, 'reason'>[]>();
      if (docs.length)
        out.set(
          id,
          docs.map((d) => d.reason),
        );
    });
    return out;
  }

  /** A moderation queue page: pending comments, or comments with open flags. */
  async queue(
    siteId: string,
    kind: 'pending' | 'flagged',
    limit: number,
    beforeId: string | null,
  ): Promise<{ items: Comment[]; more: boolean }> {
    const { docs, more } = await this.queues.page(siteId, kind, limit, beforeId);
    return { items: docs.map(toComment), more };
  }

  /** The parent ids (null: top level) of the visible comments an author wrote on a page under a shadow ban. */
  async shadowParents(siteId: string, pageId: string, authorId: string): Promise<(string | null)[]> {
    const docs = await this.Comment.find(
      { siteId, pageId, authorId, status: 'visible', shadow: true },
      { _id: 0, parentId: 1 },
    ).lean<Pick<CommentDoc, 'parentId'>[]>();
    return docs.map((d) => (d.parentId ? d.parentId.toHexString() : null));
  }

  /**
   * A site's (or one page's) latest comments, newest first, paged by id: feeds
   * (visible only) and the moderation page's Recent column and search. Text
   * search is a case-insensitive match of the literal text (escaped `$regex`):
   * neither the embedded store nor a plain MongoDB index serves `$text`, so it
   * scans the site's comments newest first and stops at `limit` matches.
   */
  async recent(q: RecentQuery): Promise<{ items: Comment[]; more: boolean }> {
    const filter: FilterQuery<CommentDoc> = { siteId: q.siteId };
    if (q.pageId !== undefined) filter.pageId = q.pageId;
    // One status as a plain equality: the embedded store pushes equalities down (never `$in`).
    if (q.statuses) filter.status = q.statuses.length === 1 ? q.statuses[0] : trusted({ $in: q.statuses });
    if (q.authorId !== undefined) filter.authorId = q.authorId;
    if (q.text) filter.body = trusted({ $regex: escapeRegex(q.text), $options: 'i' });
    const site = q.pageId === undefined && q.authorId === undefined && !q.text;
    // A site's latest (feeds, Recent) day by day: `{ siteId }` alone is every comment of the site.
    const docs = site
      ? await latestByDay(this.Comment, filter, q.beforeId ?? null, q.limit + 1)
      : await this.latest(filter, q.beforeId ?? null, q.limit + 1);
    return { items: docs.slice(0, q.limit).map(toComment), more: docs.length > q.limit };
  }

  private latest(filter: FilterQuery<CommentDoc>, beforeId: string | Types.ObjectId | null, limit: number) {
    const f = beforeId ? { ...filter, _id: trusted({ $lt: new Types.ObjectId(beforeId) }) } : filter;
    return this.Comment.find(f).sort({ _id: -1 }).limit(limit).lean<CommentDoc[]>();
  }

  /** Removes every comment, reaction and flag of a site. */
  async purgeSite(siteId: string): Promise<void> {
    await Promise.all([
      this.Comment.deleteMany({ siteId }),
      this.Reaction.deleteMany({ siteId }),
      this.Flag.deleteMany({ siteId }),
      this.queues.Month.deleteMany({ siteId }),
      this.queues.Day.deleteMany({ siteId }),
    ]);
  }
}
